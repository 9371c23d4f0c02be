# Journal store: the group-commit test alone under the "threads" label (the
# ThreadSanitizer run picks it up); the full suite keeps its own entry.
if(TARGET test_journal)
  add_test(NAME test_journal_threads COMMAND test_journal t_group_commit)
  set_tests_properties(test_journal_threads PROPERTIES
    LABELS threads ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout" TIMEOUT 300)
  set_tests_properties(test_journal PROPERTIES LABELS journal)
endif()
