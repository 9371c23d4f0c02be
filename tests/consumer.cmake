# Install the library into a temporary prefix and build consumers against it:
# CMake find_package (C, and C++ where there is a compiler) and pkg-config
# (C), static and shared; the installed tools and their man pages.
add_test(NAME install_consumers
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run.sh ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}
          ${AUTOLIC_INSTALL_TOOLS})
set_tests_properties(install_consumers PROPERTIES LABELS nosan TIMEOUT 600)

# The library built inside another project, through add_subdirectory and
# through FetchContent, where neither cmocka nor Doxygen can be found.
add_test(NAME subproject_consumers
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/consumer/subproject.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(subproject_consumers PROPERTIES LABELS nosan TIMEOUT 900)
