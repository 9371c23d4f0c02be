# test_journal_io has threads waiting on a failed sync, a failed commit and a
# compaction: it also runs under ThreadSanitizer (label "threads").
if(TARGET test_journal_io)
  set_tests_properties(test_journal_io PROPERTIES LABELS threads)
endif()
