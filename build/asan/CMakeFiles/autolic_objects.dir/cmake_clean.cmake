file(REMOVE_RECURSE
  "CMakeFiles/autolic_objects.dir/src/account.c.o"
  "CMakeFiles/autolic_objects.dir/src/account.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/core/alloc.c.o"
  "CMakeFiles/autolic_objects.dir/src/core/alloc.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/core/codec.c.o"
  "CMakeFiles/autolic_objects.dir/src/core/codec.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/core/db.c.o"
  "CMakeFiles/autolic_objects.dir/src/core/db.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/core/error.c.o"
  "CMakeFiles/autolic_objects.dir/src/core/error.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/core/keys.c.o"
  "CMakeFiles/autolic_objects.dir/src/core/keys.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/core/txn.c.o"
  "CMakeFiles/autolic_objects.dir/src/core/txn.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/core/version.c.o"
  "CMakeFiles/autolic_objects.dir/src/core/version.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/store/map.c.o"
  "CMakeFiles/autolic_objects.dir/src/store/map.c.o.d"
  "CMakeFiles/autolic_objects.dir/src/store/memory.c.o"
  "CMakeFiles/autolic_objects.dir/src/store/memory.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/autolic_objects.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
