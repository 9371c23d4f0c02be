# The Python binding's unittest suite (bindings/python/tests), run against the
# library just built. It prints the unittest summary; a failure, an import
# error or an empty run ("Ran 0 tests") fails ctest.
find_package(Python3 3.8 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "Python 3 not found: the python_binding test is registered to fail")
  add_test(NAME python_binding COMMAND ${CMAKE_COMMAND} -E false)
  set_tests_properties(python_binding PROPERTIES FAIL_REGULAR_EXPRESSION ".")
  return()
endif()

set(_py_env
  "AUTOLIC_LIBRARY=$<TARGET_FILE:autolic>"
  "AUTOLIC_CC=${CMAKE_C_COMPILER}"
  "PYTHONDONTWRITEBYTECODE=1")

# A sanitized library can only be loaded into the interpreter with its
# runtime preloaded; leaks of the interpreter itself are not ours to report.
if(CMAKE_C_FLAGS MATCHES "-fsanitize=[^ ]*address")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libasan.so
    OUTPUT_VARIABLE _asan_rt OUTPUT_STRIP_TRAILING_WHITESPACE)
  list(APPEND _py_env "LD_PRELOAD=${_asan_rt}" "ASAN_OPTIONS=detect_leaks=0")
elseif(CMAKE_C_FLAGS MATCHES "-fsanitize=[^ ]*thread")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libtsan.so
    OUTPUT_VARIABLE _tsan_rt OUTPUT_STRIP_TRAILING_WHITESPACE)
  list(APPEND _py_env "LD_PRELOAD=${_tsan_rt}")
endif()

add_test(NAME python_binding
  COMMAND ${Python3_EXECUTABLE} -m unittest discover -v -s bindings/python/tests
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(python_binding PROPERTIES
  ENVIRONMENT "${_py_env}"
  FAIL_REGULAR_EXPRESSION "Ran 0 tests"
  # The interpreter under valgrind is slow and noisy; the C suites cover memcheck.
  LABELS novalgrind
  TIMEOUT 600)

# The binding's type annotations (bindings/python/pyproject.toml [tool.mypy]):
# the package under --strict, its tests with mypy's default strictness. mypy
# is a dependency (scripts/deps.sh); when absent the test is registered to fail.
find_program(MYPY_EXECUTABLE mypy)
if(MYPY_EXECUTABLE)
  add_test(NAME python_mypy
    COMMAND ${CMAKE_COMMAND} -E env MYPY_CACHE_DIR=${CMAKE_CURRENT_BINARY_DIR}/mypy_cache
      sh -c "\"$0\" --strict -p autolic && \"$0\" tests" ${MYPY_EXECUTABLE}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/bindings/python)
else()
  message(WARNING "mypy not found (scripts/deps.sh installs it): python_mypy is registered to fail")
  add_test(NAME python_mypy COMMAND ${CMAKE_COMMAND} -E false)
endif()
set_tests_properties(python_mypy PROPERTIES
  LABELS novalgrind
  TIMEOUT 600)
