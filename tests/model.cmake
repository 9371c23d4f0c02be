# The model test (docs/testing.md): seeded random call sequences of the
# administration side, each compared call by call, and state by state, with a
# reference written from the rules (tests/model). A bounded run; longer ones
# are run by hand with more --sequences or a --seconds budget.
find_package(Python3 3.8 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "Python 3 not found: the model_admin test is registered to fail")
  add_test(NAME model_admin COMMAND ${CMAKE_COMMAND} -E false)
  return()
endif()

add_test(NAME model_admin
  COMMAND ${Python3_EXECUTABLE} tests/model/admin_run.py --seed 1 --sequences 1200 --steps 40
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(model_admin PROPERTIES
  ENVIRONMENT "AUTOLIC_LIBRARY=$<TARGET_FILE:autolic>;PYTHONDONTWRITEBYTECODE=1"
  # The interpreter cannot load a sanitized library without its runtime, and
  # under valgrind it is slow and noisy: the C suites cover those runs.
  LABELS "python;nosan;novalgrind"
  TIMEOUT 300)
