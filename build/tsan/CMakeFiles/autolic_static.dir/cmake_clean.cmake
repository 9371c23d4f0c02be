file(REMOVE_RECURSE
  "libautolic.a"
  "libautolic.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/autolic_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
