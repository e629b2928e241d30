# Where an installed WasmSentinel keeps its files (FHS; docs/operations.md "Install"), and the
# configured header that tells the program (wsn_install_paths.h, read by
# src/common/install_layout.cpp). An agent installs under /usr, so that is the default prefix;
# GNUInstallDirs then puts configuration in /etc and state in /var.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX "/usr" CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

set(WSN_INSTALL_BINDIR "${CMAKE_INSTALL_BINDIR}")
set(WSN_INSTALL_HELPERDIR "${CMAKE_INSTALL_LIBDIR}/wasm-sentinel")
# Debian keeps private executables in /usr/lib/PACKAGE, not in the multiarch libdir.
if(CMAKE_INSTALL_LIBDIR MATCHES "^lib/")
  set(WSN_INSTALL_HELPERDIR "lib/wasm-sentinel")
endif()
set(WSN_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/wasm-sentinel")
set(WSN_INSTALL_FULL_SYSCONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/wasm-sentinel")
set(WSN_INSTALL_FULL_STATEDIR "${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/wasm-sentinel")
set(WSN_INSTALL_FULL_CACHEDIR "${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/cache/wasm-sentinel")

# The program finds its data and helper relative to its own executable (so a DESTDIR staging
# tree or a relocated prefix works), hence the paths relative to the binary directory.
file(RELATIVE_PATH WSN_REL_BIN_TO_DATA "${CMAKE_INSTALL_PREFIX}/${WSN_INSTALL_BINDIR}"
     "${CMAKE_INSTALL_PREFIX}/${WSN_INSTALL_DATADIR}")
file(RELATIVE_PATH WSN_REL_BIN_TO_HELPER "${CMAKE_INSTALL_PREFIX}/${WSN_INSTALL_BINDIR}"
     "${CMAKE_INSTALL_PREFIX}/${WSN_INSTALL_HELPERDIR}")

configure_file(${CMAKE_CURRENT_LIST_DIR}/install_paths.h.in
               ${PROJECT_BINARY_DIR}/gen/install/wsn_install_paths.h @ONLY)
