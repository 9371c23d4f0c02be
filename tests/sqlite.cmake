# SQLite backend: the conformance suite and the multi-process race. Both
# tests/test_*sqlite*.c files are globbed as suites; here they get the
# backend linked in. Without libsqlite3 (never in CI: there the configure
# step fails, see src/backends/sqlite/CMakeLists.txt) they are not built and
# show up as disabled, not as passed.
foreach(t test_conformance_sqlite test_sqlite test_sqlite_procs)
  if(TARGET ${t})
    if(AUTOLIC_HAVE_SQLITE)
      target_link_libraries(${t} PRIVATE autolic_sqlite_static)
      set_tests_properties(${t} PROPERTIES LABELS sqlite)
      if(t STREQUAL "test_sqlite_procs")
        target_sources(${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/procs_race.c
          ${CMAKE_CURRENT_SOURCE_DIR}/notes_race.c)
      endif()
    else()
      set_target_properties(${t} PROPERTIES EXCLUDE_FROM_ALL TRUE)
      set_tests_properties(${t} PROPERTIES DISABLED TRUE)
    endif()
  endif()
endforeach()

# libautolic-sqlite's exports are exactly its committed list (the core's list,
# abi/libautolic.symbols, covers libautolic only).
if(AUTOLIC_HAVE_SQLITE)
  add_test(NAME abi_sqlite_symbols COMMAND sh -c
    "nm -D --defined-only \"$1\" | awk '$2 == \"T\" {print $3}' | sort | diff -u \"$0\" -"
    ${PROJECT_SOURCE_DIR}/abi/libautolic-sqlite.symbols $<TARGET_FILE:autolic_sqlite>)
  set_tests_properties(abi_sqlite_symbols PROPERTIES LABELS "nosan;sqlite")
endif()
