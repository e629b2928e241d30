# Warning and sanitizer flags shared by every project target (not by third-party code).
add_library(wsn_build_flags INTERFACE)
target_compile_options(wsn_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wno-missing-field-initializers)
# GCC 12 reports false -Wrestrict positives inside libstdc++'s std::string operator+ at -O3
# (GCC bug 105329); the warning stays on for every other compiler.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(wsn_build_flags INTERFACE -Wno-restrict)
endif()
if(WSN_WERROR)
  target_compile_options(wsn_build_flags INTERFACE -Werror)
endif()
if(WSN_SANITIZE)
  target_compile_options(wsn_build_flags INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(wsn_build_flags INTERFACE -fsanitize=address,undefined)
endif()

# wsn_add_module(name SOURCES ... PUBLIC_DEPS ... PRIVATE_DEPS ...)
# One static library per pipeline stage or plug-in. Only include/ (the public headers) is
# exported to what links it; src/ (headers included as "stage/file.h") is on each module's own
# private path, so nothing outside the project's build — a plug-in written elsewhere, a program
# linking the libraries — can reach an internal header. Targets inside the project that are
# white-box on purpose (the CLI, tests, benchmarks) add src/ themselves.
function(wsn_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${M_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                             PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${M_PUBLIC_DEPS} PRIVATE wsn_build_flags ${M_PRIVATE_DEPS})
endfunction()
