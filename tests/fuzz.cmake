# Fuzz targets (tests/fuzz/fuzz_<target>.c, docs/fuzzing.md). In every build
# each target gets a replay driver, registered with ctest as fuzz_<target>,
# that runs every file of its committed corpus tests/fuzz/corpus/<target>/.
# With AUTOLIC_FUZZ=ON (clang; scripts/fuzz.sh) libFuzzer binaries are built too.
file(GLOB AUTOLIC_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_*.c)
foreach(src IN LISTS AUTOLIC_FUZZ_SOURCES)
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" target ${name})
  add_executable(replay_${target} ${src} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/replay.c)
  target_link_libraries(replay_${target} PRIVATE autolic_static)
  target_include_directories(replay_${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_definitions(replay_${target} PRIVATE _GNU_SOURCE)
  target_compile_options(replay_${target} PRIVATE ${AUTOLIC_WARNINGS})
  add_test(NAME fuzz_${target}
    COMMAND replay_${target} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${target})
  set_tests_properties(fuzz_${target} PROPERTIES LABELS fuzz TIMEOUT 600)
  if(AUTOLIC_FUZZ)
    add_executable(fuzz_${target} ${src})
    target_link_libraries(fuzz_${target} PRIVATE autolic_static)
    target_include_directories(fuzz_${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
    target_compile_definitions(fuzz_${target} PRIVATE _GNU_SOURCE)
    target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
  endif()
endforeach()
