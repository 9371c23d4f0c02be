
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/account.c" "CMakeFiles/autolic_objects.dir/src/account.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/account.c.o.d"
  "/work/main/src/core/alloc.c" "CMakeFiles/autolic_objects.dir/src/core/alloc.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/core/alloc.c.o.d"
  "/work/main/src/core/codec.c" "CMakeFiles/autolic_objects.dir/src/core/codec.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/core/codec.c.o.d"
  "/work/main/src/core/db.c" "CMakeFiles/autolic_objects.dir/src/core/db.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/core/db.c.o.d"
  "/work/main/src/core/error.c" "CMakeFiles/autolic_objects.dir/src/core/error.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/core/error.c.o.d"
  "/work/main/src/core/keys.c" "CMakeFiles/autolic_objects.dir/src/core/keys.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/core/keys.c.o.d"
  "/work/main/src/core/txn.c" "CMakeFiles/autolic_objects.dir/src/core/txn.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/core/txn.c.o.d"
  "/work/main/src/core/version.c" "CMakeFiles/autolic_objects.dir/src/core/version.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/core/version.c.o.d"
  "/work/main/src/store/map.c" "CMakeFiles/autolic_objects.dir/src/store/map.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/store/map.c.o.d"
  "/work/main/src/store/memory.c" "CMakeFiles/autolic_objects.dir/src/store/memory.c.o" "gcc" "CMakeFiles/autolic_objects.dir/src/store/memory.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
