# autolic_link_exports(TARGET MAP): link a shared library with its version
# script (only the names MAP lists are exported, each with its version node)
# and refuse undefined symbols -- where the linker takes these GNU ld options
# (GNU ld, gold, lld). Elsewhere the library links without them; its symbols
# are still hidden by default (C_VISIBILITY_PRESET hidden, AUTOLIC_EXTERN).
include(CheckLinkerFlag)
set(_autolic_probe_map ${CMAKE_CURRENT_BINARY_DIR}/autolic_probe.map)
file(WRITE ${_autolic_probe_map} "PROBE_1.0 { local: *; };\n")
check_linker_flag(C "LINKER:--version-script=${_autolic_probe_map}" AUTOLIC_LD_VERSION_SCRIPT)
check_linker_flag(C "LINKER:--no-undefined" AUTOLIC_LD_NO_UNDEFINED)

function(autolic_link_exports target map)
  if(AUTOLIC_LD_VERSION_SCRIPT)
    target_link_options(${target} PRIVATE "LINKER:--version-script=${map}")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${map})
  endif()
  if(AUTOLIC_LD_NO_UNDEFINED)
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
endfunction()
