# PostgreSQL backend: the conformance suite, the backend specifics and the
# multi-process race, each against a throw-away server that the test program
# starts itself through tests/pg_server.sh (initdb in a temporary directory,
# 127.0.0.1 and a random port only) and removes at exit, also when it fails
# or crashes (the script's watchdog). The server is started from inside the
# test program, not by a wrapper script, so that `ctest -T memcheck` checks the
# test program itself and not a shell.
#
# Without libpq or without the server binaries (initdb, pg_ctl) the tests are
# not built and ctest lists them as disabled, not as passed; with CI=true a
# missing libpq or initdb fails the configure step instead (scripts/deps.sh
# installs postgresql and libpq-dev).
set(_pg_tests test_conformance_pg test_pg test_pg_procs)

set(_pg_bindir "")
if(AUTOLIC_HAVE_PG)
  find_program(AUTOLIC_PG_CONFIG pg_config)
  set(_pg_hints "")
  if(AUTOLIC_PG_CONFIG)
    execute_process(COMMAND ${AUTOLIC_PG_CONFIG} --bindir OUTPUT_VARIABLE _pg_cfg_bin
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    list(APPEND _pg_hints ${_pg_cfg_bin})
  endif()
  file(GLOB _pg_debian_bins LIST_DIRECTORIES true /usr/lib/postgresql/*/bin)
  list(SORT _pg_debian_bins COMPARE NATURAL ORDER DESCENDING)
  find_program(AUTOLIC_PG_INITDB initdb HINTS ${_pg_hints} ${_pg_debian_bins})
  if(AUTOLIC_PG_INITDB)
    get_filename_component(_pg_bindir ${AUTOLIC_PG_INITDB} REALPATH)
    get_filename_component(_pg_bindir ${_pg_bindir} DIRECTORY)
    message(STATUS "PostgreSQL server binaries for the pg tests: ${_pg_bindir}")
  elseif("$ENV{CI}" STREQUAL "true")
    message(FATAL_ERROR "CI=true but the PostgreSQL server binaries (initdb) were not found: "
                        "run scripts/deps.sh; the PostgreSQL tests may not be skipped in CI")
  else()
    message(STATUS "initdb not found: the pg tests are disabled")
  endif()
endif()

foreach(t ${_pg_tests})
  if(NOT TARGET ${t})
    continue()
  endif()
  if(_pg_bindir)
    target_sources(${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/pg_harness.c)
    target_link_libraries(${t} PRIVATE autolic_pg_static)
    target_compile_definitions(${t} PRIVATE
      AUTOLIC_PG_SERVER_SH="${CMAKE_CURRENT_SOURCE_DIR}/pg_server.sh")
    set_tests_properties(${t} PROPERTIES
      ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout;AUTOLIC_PG_BINDIR=${_pg_bindir}"
      LABELS pg)
  else()
    set_target_properties(${t} PROPERTIES EXCLUDE_FROM_ALL TRUE)
    set_tests_properties(${t} PROPERTIES DISABLED TRUE)
  endif()
endforeach()
# Sanitizers (scripts/test.sh): the three run under valgrind (-T memcheck) and
# AddressSanitizer (libpq itself is not instrumented); test_pg races threads
# (deadlocks, a commit killed in flight), so it also runs under
# ThreadSanitizer. test_pg_procs forks processes and has no threads.
if(TARGET test_pg AND _pg_bindir)
  set_tests_properties(test_pg PROPERTIES LABELS "pg;threads")
endif()
if(TARGET test_pg_procs AND _pg_bindir)
  target_sources(test_pg_procs PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/procs_race.c
    ${CMAKE_CURRENT_SOURCE_DIR}/notes_race.c)
endif()

# libautolic-pg's exports are exactly its committed list.
if(AUTOLIC_HAVE_PG)
  add_test(NAME abi_pg_symbols COMMAND sh -c
    "nm -D --defined-only \"$1\" | awk '$2 == \"T\" {print $3}' | sort | diff -u \"$0\" -"
    ${PROJECT_SOURCE_DIR}/abi/libautolic-pg.symbols $<TARGET_FILE:autolic_pg>)
  set_tests_properties(abi_pg_symbols PROPERTIES LABELS "nosan;pg")
endif()
