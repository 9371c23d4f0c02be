# Scenario tests of the example programs and of the demonstration: each runs
# real commands in a temporary directory with AUTOLIC_NOW set, and checks
# their output and exit codes (tests/examples/*.sh). Not run under the
# sanitizer and valgrind passes (label nosan): they test the programs'
# behaviour, and the library's calls are covered by the unit suites.
foreach(area IN ITEMS ops admin flex)
  if(TARGET autolic_${area} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/examples/${area}.sh)
    add_test(NAME examples_${area}
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/examples/${area}.sh $<TARGET_FILE_DIR:autolic_${area}>)
    set_tests_properties(examples_${area} PROPERTIES LABELS nosan TIMEOUT 300)
  endif()
endforeach()
if(TARGET autolic_admin AND TARGET autolic_flex AND TARGET autolic_ops)
  add_test(NAME examples_demo
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/examples/demo.sh ${PROJECT_SOURCE_DIR}/examples/demo.sh
            $<TARGET_FILE_DIR:autolic_ops>)
  set_tests_properties(examples_demo PROPERTIES LABELS nosan TIMEOUT 300)
endif()
