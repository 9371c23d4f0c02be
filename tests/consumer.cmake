# Install the library into a temporary prefix and build consumers against it:
# CMake find_package (C and C++) and pkg-config (C), static and shared.
add_test(NAME install_consumers
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/consumer/run.sh ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
set_tests_properties(install_consumers PROPERTIES LABELS nosan TIMEOUT 600)
