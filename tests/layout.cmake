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

# The floors of src/: "file A calls a function defined in file B", read with
# nm from the library's objects, has no cycle and no call up a floor
# (tests/check_layers.py, docs/architecture.md).
if(Python3_Interpreter_FOUND AND CMAKE_NM)
  add_test(NAME layers
    COMMAND ${CMAKE_COMMAND} -E env NM=${CMAKE_NM}
      ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_layers.py ${PROJECT_SOURCE_DIR}
      $<TARGET_OBJECTS:autolic_objects>)
  set_tests_properties(layers PROPERTIES LABELS "nosan;novalgrind")
  # the check itself: a cycle, a call up a floor and a clean graph, compiled here
  add_test(NAME layers_self_test
    COMMAND ${CMAKE_COMMAND} -E env NM=${CMAKE_NM}
      ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_layers.py --self-test
      ${CMAKE_C_COMPILER})
  set_tests_properties(layers_self_test PROPERTIES LABELS "nosan;novalgrind")
else()
  message(WARNING "Python 3 or nm not found: the layers test is registered to fail")
  add_test(NAME layers COMMAND ${CMAKE_COMMAND} -E false)
endif()
