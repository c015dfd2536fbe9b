# Run by packhost_add_pack after each build: cmake -DLIBRARY=... -DNM=... -DREADELF=... -P
# Fails when the pack exports anything but its entry point, or carries
# STB_GNU_UNIQUE symbols (which pin a library in memory and can bind two
# packs' copies of one template static together).
if(NOT LIBRARY OR NOT NM)
  message(FATAL_ERROR "PackhostCheckExports: LIBRARY and NM are required")
endif()
execute_process(COMMAND "${NM}" -D --defined-only "${LIBRARY}"
                OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "PackhostCheckExports: ${NM} failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(extra "")
set(found_entry FALSE)
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) (.+)$")
    set(kind "${CMAKE_MATCH_1}")
    set(sym "${CMAKE_MATCH_2}")
    if(sym STREQUAL "packhost_pack_entry_v1")
      set(found_entry TRUE)
    elseif(kind STREQUAL "A" OR sym MATCHES "^(_init|_fini|_edata|_end|__bss_start)$")
      # linker-defined markers, not code
    else()
      list(APPEND extra "${sym}")
    endif()
  endif()
endforeach()
if(NOT found_entry)
  message(FATAL_ERROR "packhost pack ${LIBRARY} does not export packhost_pack_entry_v1 "
                      "(use PACKHOST_PACK or define it extern \"C\" with PH_EXPORT)")
endif()
if(extra)
  list(JOIN extra "\n  " shown)
  message(FATAL_ERROR "packhost pack ${LIBRARY} exports symbols besides packhost_pack_entry_v1:\n  ${shown}\n"
                      "Give them internal linkage or hidden visibility.")
endif()
if(READELF)
  execute_process(COMMAND "${READELF}" --dyn-syms -W "${LIBRARY}" OUTPUT_VARIABLE dyn)
  if(dyn MATCHES "UNIQUE")
    message(FATAL_ERROR "packhost pack ${LIBRARY} has STB_GNU_UNIQUE symbols; build with -fno-gnu-unique")
  endif()
endif()
