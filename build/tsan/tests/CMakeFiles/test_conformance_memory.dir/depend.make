# Empty dependencies file for test_conformance_memory.
# This may be replaced when dependencies are built.
