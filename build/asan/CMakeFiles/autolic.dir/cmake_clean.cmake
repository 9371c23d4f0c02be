file(REMOVE_RECURSE
  "libautolic.pdb"
  "libautolic.so"
  "libautolic.so.0"
  "libautolic.so.0.1.0"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/autolic.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
