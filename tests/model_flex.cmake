# The Flex model test (tests/model/flex_run.py): seeded random sequences of
# Flex calls run through the Python binding against the library just built and
# against an independent reference model, compared after every call. A bounded
# run of about 30 s; a difference prints a reproducer and fails the test.
find_package(Python3 3.8 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "Python 3 not found: the model_flex test is registered to fail")
  add_test(NAME model_flex COMMAND ${CMAKE_COMMAND} -E false)
  return()
endif()

add_test(NAME model_flex
  COMMAND ${Python3_EXECUTABLE} tests/model/flex_run.py --seed 1 --sequences 1000000
          --seconds 30
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(model_flex PROPERTIES
  ENVIRONMENT "AUTOLIC_LIBRARY=$<TARGET_FILE:autolic>;PYTHONDONTWRITEBYTECODE=1"
  # An empty run proves nothing.
  FAIL_REGULAR_EXPRESSION " 0 sequences"
  # A sanitized library cannot be loaded into a plain interpreter; the C suites
  # cover the sanitizers and memcheck.
  LABELS "nosan;novalgrind"
  TIMEOUT 300)
