file(REMOVE_RECURSE
  "CMakeFiles/test_fault_core.dir/test_fault_core.c.o"
  "CMakeFiles/test_fault_core.dir/test_fault_core.c.o.d"
  "test_fault_core"
  "test_fault_core.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_fault_core.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
