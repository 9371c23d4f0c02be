#----------------------------------------------------------------
# Generated CMake target import file for configuration "Debug".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "autolic::autolic" for configuration "Debug"
set_property(TARGET autolic::autolic APPEND PROPERTY IMPORTED_CONFIGURATIONS DEBUG)
set_target_properties(autolic::autolic PROPERTIES
  IMPORTED_LOCATION_DEBUG "${_IMPORT_PREFIX}/lib/libautolic.so.0.1.0"
  IMPORTED_SONAME_DEBUG "libautolic.so.0"
  )

list(APPEND _cmake_import_check_targets autolic::autolic )
list(APPEND _cmake_import_check_files_for_autolic::autolic "${_IMPORT_PREFIX}/lib/libautolic.so.0.1.0" )

# Import target "autolic::autolic_static" for configuration "Debug"
set_property(TARGET autolic::autolic_static APPEND PROPERTY IMPORTED_CONFIGURATIONS DEBUG)
set_target_properties(autolic::autolic_static PROPERTIES
  IMPORTED_LINK_INTERFACE_LANGUAGES_DEBUG "C"
  IMPORTED_LOCATION_DEBUG "${_IMPORT_PREFIX}/lib/libautolic.a"
  )

list(APPEND _cmake_import_check_targets autolic::autolic_static )
list(APPEND _cmake_import_check_files_for_autolic::autolic_static "${_IMPORT_PREFIX}/lib/libautolic.a" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
