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

set(_model_flex_env "AUTOLIC_LIBRARY=$<TARGET_FILE:autolic>" "PYTHONDONTWRITEBYTECODE=1")
# Run by hand in a sanitized build, the library needs its runtime preloaded
# (as in python.cmake); the sanitizer runs themselves skip the label nosan.
if(CMAKE_C_FLAGS MATCHES "-fsanitize=[^ ]*address")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE _model_flex_rt OUTPUT_STRIP_TRAILING_WHITESPACE)
  list(APPEND _model_flex_env "LD_PRELOAD=${_model_flex_rt}" "ASAN_OPTIONS=detect_leaks=0")
elseif(CMAKE_C_FLAGS MATCHES "-fsanitize=[^ ]*thread")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libtsan.so
    OUTPUT_VARIABLE _model_flex_rt OUTPUT_STRIP_TRAILING_WHITESPACE)
  list(APPEND _model_flex_env "LD_PRELOAD=${_model_flex_rt}")
endif()

add_test(NAME model_flex
  COMMAND ${Python3_EXECUTABLE} tests/model/flex_run.py --seed 1 --sequences 1000000
          --seconds 30
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(model_flex PROPERTIES
  ENVIRONMENT "${_model_flex_env}"
  # An empty run proves nothing.
  FAIL_REGULAR_EXPRESSION " 0 sequences"
  # The C suites cover the sanitizers and memcheck.
  LABELS "nosan;novalgrind"
  TIMEOUT 300)
