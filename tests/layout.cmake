# The layout of src/: no .c or .h file over 1,500 lines; a file that
# outgrows it is split along its layers (tests/check_layout.py,
# docs/architecture.md).
find_package(Python3 3.8 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME layout
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_layout.py ${PROJECT_SOURCE_DIR})
  set_tests_properties(layout PROPERTIES LABELS "nosan;novalgrind")
else()
  message(WARNING "Python 3 not found: the layout test is registered to fail")
  add_test(NAME layout COMMAND ${CMAKE_COMMAND} -E false)
endif()
