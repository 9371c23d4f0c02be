# autolic_add_backend(<name> PKG <pkg-config module> DEP <what the dependency
#                     is called> TITLE <what its tests are called>
#                     VAR <prefix of pkg-config's variables> SOURCES <files>)
#
# An optional storage backend: a separate library libautolic-<name> (the core
# library depends on nothing beyond libc and pthreads), built only when
# pkg-config finds its dependency. When the environment says CI=true and the
# library is the top-level project, the dependency is required, so that its
# tests are never skipped in the library's own CI; a project that includes
# the library decides that alone. Makes the shared library autolic_<name> (version script libautolic-<name>.map beside the
# sources, alias autolic::autolic_<name>), a static twin autolic_<name>_static
# for the test programs, and autolic-<name>.pc from pkgconfig/. Sets
# AUTOLIC_BACKEND_FOUND in the caller to ON or OFF.
function(autolic_add_backend name)
  cmake_parse_arguments(B "" "PKG;DEP;TITLE;VAR" "SOURCES" ${ARGN})
  set(AUTOLIC_BACKEND_FOUND OFF PARENT_SCOPE)
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(${B_VAR} QUIET IMPORTED_TARGET ${B_PKG})
  endif()
  if(NOT ${B_VAR}_FOUND)
    if("$ENV{CI}" STREQUAL "true" AND PROJECT_IS_TOP_LEVEL)
      message(FATAL_ERROR "CI=true but ${B_DEP} (pkg-config ${B_PKG}) was not found: "
                          "run scripts/deps.sh; the ${B_TITLE} tests may not be skipped in CI")
    endif()
    message(STATUS "${B_DEP} not found: libautolic-${name} and its tests are not built")
    return()
  endif()
  message(STATUS "${B_DEP} ${${B_VAR}_VERSION}: building libautolic-${name}")
  set(dep PkgConfig::${B_VAR})
  set(map ${CMAKE_CURRENT_SOURCE_DIR}/libautolic-${name}.map)

  add_library(autolic_${name}_objects OBJECT ${B_SOURCES})
  set_target_properties(autolic_${name}_objects PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden)
  target_compile_definitions(autolic_${name}_objects PRIVATE AUTOLIC_BUILDING _GNU_SOURCE)
  target_compile_options(autolic_${name}_objects PRIVATE ${AUTOLIC_WARNINGS})
  target_include_directories(autolic_${name}_objects PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(autolic_${name}_objects PRIVATE ${dep})

  add_library(autolic_${name} SHARED $<TARGET_OBJECTS:autolic_${name}_objects>)
  target_link_libraries(autolic_${name} PUBLIC autolic PRIVATE ${dep})
  autolic_link_exports(autolic_${name} ${map})
  set_target_properties(autolic_${name} PROPERTIES
    OUTPUT_NAME autolic-${name}
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PROJECT_VERSION_MAJOR})

  add_library(autolic_${name}_static STATIC $<TARGET_OBJECTS:autolic_${name}_objects>)
  target_link_libraries(autolic_${name}_static PUBLIC autolic_static ${dep})
  set_target_properties(autolic_${name}_static PROPERTIES OUTPUT_NAME autolic-${name})
  add_library(autolic::autolic_${name} ALIAS autolic_${name})

  install(TARGETS autolic_${name} autolic_${name}_static
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  configure_file(${PROJECT_SOURCE_DIR}/pkgconfig/autolic-${name}.pc.in
    ${PROJECT_BINARY_DIR}/autolic-${name}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/autolic-${name}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  set(AUTOLIC_BACKEND_FOUND ON PARENT_SCOPE)
endfunction()
