# The formatting of the C and C++ sources: scripts/format.sh --check lists
# every file that differs from the top-level .clang-format (clang-format 14).
find_program(AUTOLIC_CLANG_FORMAT clang-format-14)
if(AUTOLIC_CLANG_FORMAT)
  add_test(NAME format COMMAND ${PROJECT_SOURCE_DIR}/scripts/format.sh --check)
  set_tests_properties(format PROPERTIES LABELS "nosan;novalgrind"
                       ENVIRONMENT "CLANG_FORMAT=${AUTOLIC_CLANG_FORMAT}")
else()
  message(WARNING "clang-format-14 not found: the format test is registered to fail")
  add_test(NAME format COMMAND ${CMAKE_COMMAND} -E false)
endif()
