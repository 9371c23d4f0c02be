# The exported functions equal the committed list and the ABI stays compatible
# with the committed abidw baseline (scripts/abi-update.sh regenerates both).
add_test(NAME abi_check COMMAND ${PROJECT_SOURCE_DIR}/scripts/abi-check.sh ${PROJECT_SOURCE_DIR} $<TARGET_FILE:autolic>)
set_tests_properties(abi_check PROPERTIES LABELS nosan)
