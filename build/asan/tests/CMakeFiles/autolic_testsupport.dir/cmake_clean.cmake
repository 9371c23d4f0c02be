file(REMOVE_RECURSE
  "CMakeFiles/autolic_testsupport.dir/conformance.c.o"
  "CMakeFiles/autolic_testsupport.dir/conformance.c.o.d"
  "CMakeFiles/autolic_testsupport.dir/support.c.o"
  "CMakeFiles/autolic_testsupport.dir/support.c.o.d"
  "libautolic_testsupport.a"
  "libautolic_testsupport.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/autolic_testsupport.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
