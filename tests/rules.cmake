# docs/rules.md stays true to the code: every rule ID cited in the sources,
# tests and docs is defined there once, and every function and test it names
# exists (tests/check_rules.py).
find_package(Python3 3.8 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME rules_doc
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_rules.py ${PROJECT_SOURCE_DIR})
  set_tests_properties(rules_doc PROPERTIES LABELS "nosan;novalgrind")
else()
  message(WARNING "Python 3 not found: the rules_doc test is registered to fail")
  add_test(NAME rules_doc COMMAND ${CMAKE_COMMAND} -E false)
endif()
