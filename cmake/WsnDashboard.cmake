# The dashboard (web/dashboard): bundled by esbuild from the npm packages that
# `npm ci` in web/dashboard installs (scripts/install-deps.sh does it), then embedded in the
# binary as a generated .cpp (cmake/WsnEmbedFiles.cmake). Without Node.js or esbuild the build
# still succeeds and GET /dashboard/ answers 503 saying why.
#
# wsn_dashboard_sources(OUT_VAR): sets OUT_VAR to the generated .cpp to compile.
function(wsn_dashboard_sources out_var)
  set(web ${PROJECT_SOURCE_DIR}/web/dashboard)
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/dashboard_assets.cpp)
  set(bundle ${CMAKE_BINARY_DIR}/web/dashboard)
  find_program(WSN_NODE node)
  # The package's launcher: the native binary, or a Node.js script that runs it.
  set(esbuild ${web}/node_modules/.bin/esbuild)
  set(reason "")
  if(NOT WSN_NODE)
    set(reason "Node.js was not found at build time (install nodejs and npm: scripts/install-deps.sh)")
  elseif(NOT EXISTS ${esbuild})
    set(reason "esbuild was not installed at build time (run 'npm ci' in web/dashboard: scripts/install-deps.sh)")
  endif()
  if(reason)
    set(WSN_DASHBOARD_BUILT OFF CACHE INTERNAL "")
    message(STATUS "Dashboard: NOT built: ${reason}; GET /dashboard/ will answer 503")
    execute_process(COMMAND ${CMAKE_COMMAND} -DOUT=${gen} -DFILES= "-DREASON=${reason}"
                    -P ${PROJECT_SOURCE_DIR}/cmake/WsnEmbedFiles.cmake)
    set(${out_var} ${gen} PARENT_SCOPE)
    return()
  endif()
  set(WSN_DASHBOARD_BUILT ON CACHE INTERNAL "")
  message(STATUS "Dashboard: built with esbuild (web/dashboard), embedded in the binary")
  file(GLOB js_sources CONFIGURE_DEPENDS ${web}/src/*.js)
  add_custom_command(
    OUTPUT ${bundle}/app.js ${bundle}/app.css
    COMMAND ${CMAKE_COMMAND} -E make_directory ${bundle}
    COMMAND ${esbuild} ${web}/src/main.js --bundle --minify --format=iife
            --target=es2020 --log-level=warning --outfile=${bundle}/app.js
    COMMAND ${esbuild} ${web}/src/app.css --bundle --minify --log-level=warning
            --outfile=${bundle}/app.css
    DEPENDS ${js_sources} ${web}/src/app.css ${web}/package-lock.json
    COMMENT "esbuild: dashboard bundle" VERBATIM)
  set(files
      "/dashboard/index.html|text/html|${web}/index.html"
      "/dashboard/app.js|text/javascript|${bundle}/app.js"
      "/dashboard/app.css|text/css|${bundle}/app.css")
  add_custom_command(
    OUTPUT ${gen}
    COMMAND ${CMAKE_COMMAND} -DOUT=${gen} "-DFILES=${files}" -DREASON=
            -P ${PROJECT_SOURCE_DIR}/cmake/WsnEmbedFiles.cmake
    DEPENDS ${web}/index.html ${bundle}/app.js ${bundle}/app.css
            ${PROJECT_SOURCE_DIR}/cmake/WsnEmbedFiles.cmake
    COMMENT "Embedding the dashboard" VERBATIM)
  set(${out_var} ${gen} PARENT_SCOPE)
endfunction()
