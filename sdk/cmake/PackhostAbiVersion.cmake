# packhost_abi_version(<abi.h> <prefix>): sets <prefix>_MAJOR, <prefix>_MINOR
# and <prefix>_VERSION ("1.1") from the header, where the ABI version is
# written (PH_ABI_MAJOR_NUMBER, PH_ABI_MINOR_NUMBER) and nowhere else.
function(packhost_abi_version header prefix)
  file(STRINGS "${header}" lines REGEX "^#define PH_ABI_(MAJOR|MINOR)_NUMBER [0-9]+")
  foreach(line IN LISTS lines)
    if(line MATCHES "^#define PH_ABI_(MAJOR|MINOR)_NUMBER ([0-9]+)")
      set(${prefix}_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}" PARENT_SCOPE)
      set(_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
    endif()
  endforeach()
  if(NOT DEFINED _MAJOR OR NOT DEFINED _MINOR)
    message(FATAL_ERROR "packhost: no PH_ABI_MAJOR_NUMBER/PH_ABI_MINOR_NUMBER in ${header}")
  endif()
  set(${prefix}_VERSION "${_MAJOR}.${_MINOR}" PARENT_SCOPE)
endfunction()
