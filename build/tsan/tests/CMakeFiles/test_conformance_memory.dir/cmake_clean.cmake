file(REMOVE_RECURSE
  "CMakeFiles/test_conformance_memory.dir/test_conformance_memory.c.o"
  "CMakeFiles/test_conformance_memory.dir/test_conformance_memory.c.o.d"
  "test_conformance_memory"
  "test_conformance_memory.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_conformance_memory.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
