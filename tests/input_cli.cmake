# IN-1: the administration programs print valid JSON, and text without raw
# control characters, over a store holding bytes an earlier version let in
# (written there by tests/raw_text.c through the storage vtable).
if(TARGET autolic_admin AND TARGET autolic_flex AND TARGET autolic_ops)
  add_executable(raw_text raw_text.c)
  target_link_libraries(raw_text PRIVATE autolic)
  target_compile_definitions(raw_text PRIVATE _GNU_SOURCE)
  target_compile_options(raw_text PRIVATE ${AUTOLIC_WARNINGS})
  add_test(NAME examples_input
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/examples/input.sh
            $<TARGET_FILE_DIR:autolic_ops> $<TARGET_FILE:raw_text>)
  set_tests_properties(examples_input PROPERTIES LABELS nosan TIMEOUT 300)
endif()
