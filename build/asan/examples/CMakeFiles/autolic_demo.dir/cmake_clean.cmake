file(REMOVE_RECURSE
  "CMakeFiles/autolic_demo.dir/autolic_demo.c.o"
  "CMakeFiles/autolic_demo.dir/autolic_demo.c.o.d"
  "autolic_demo"
  "autolic_demo.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/autolic_demo.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
