# CMake generated Testfile for 
# Source directory: /work/main/tests
# Build directory: /work/main/build/dev/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[test_conformance_memory]=] "/work/main/build/dev/tests/test_conformance_memory")
set_tests_properties([=[test_conformance_memory]=] PROPERTIES  ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout" TIMEOUT "900" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;19;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[test_db]=] "/work/main/build/dev/tests/test_db")
set_tests_properties([=[test_db]=] PROPERTIES  ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout" LABELS "threads" TIMEOUT "900" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;19;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[test_fault_core]=] "/work/main/build/dev/tests/test_fault_core")
set_tests_properties([=[test_fault_core]=] PROPERTIES  ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout" TIMEOUT "900" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;19;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[docs]=] "/usr/bin/cmake" "--build" "/work/main/build/dev" "--target" "docs")
set_tests_properties([=[docs]=] PROPERTIES  LABELS "nosan" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;29;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test([=[abi_check]=] "/work/main/scripts/abi-check.sh" "/work/main" "/work/main/build/dev/libautolic.so.0.1.0")
set_tests_properties([=[abi_check]=] PROPERTIES  LABELS "nosan" _BACKTRACE_TRIPLES "/work/main/tests/abi.cmake;3;add_test;/work/main/tests/abi.cmake;0;;/work/main/tests/CMakeLists.txt;36;include;/work/main/tests/CMakeLists.txt;0;")
add_test([=[install_consumers]=] "/work/main/tests/consumer/run.sh" "/work/main" "/work/main/build/dev")
set_tests_properties([=[install_consumers]=] PROPERTIES  LABELS "nosan" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/consumer.cmake;3;add_test;/work/main/tests/consumer.cmake;0;;/work/main/tests/CMakeLists.txt;36;include;/work/main/tests/CMakeLists.txt;0;")
