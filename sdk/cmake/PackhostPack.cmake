# packhost_add_pack(<name> SOURCES <src>... [options])
#
# Builds a native packhost pack the way the host expects it (without SOURCES:
# a pack of YAML actions, aliases and rules only, copied the same way):
#   - a MODULE library lib<name>.so with hidden visibility, linked with
#     -Wl,--exclude-libs,ALL -Wl,-z,defs, (g++) -fno-gnu-unique, and a
#     version script that makes every symbol but the entry point local
#     (libstdc++ declares namespace std with default visibility, so template
#     instantiations would otherwise leak out of a -fvisibility=hidden pack);
#   - a post-build check that fails the build if the library exports any
#     symbol but packhost_pack_entry_v1 (or has STB_GNU_UNIQUE symbols);
#   - a pack directory <OUTPUT_DIRECTORY>/<name>/ holding the library, the
#     pack's pack.yaml and content folders, and manifest.json (which library
#     to load and which ABI it was built for, read before loading it).
#
# Options:
#   PACK_DIR <dir>          where pack.yaml and actions/, rules/, aliases/,
#                           sensors/, policies/, config.schema.yaml live
#                           (default: the current source directory)
#   OUTPUT_DIRECTORY <dir>  parent of the pack directory
#                           (default: ${CMAKE_BINARY_DIR}/packs)
#   INSTALL_DESTINATION <d> install the pack directory under <d>/<name>
#   LINK_LIBRARIES <lib>... extra libraries (linked privately; their symbols
#                           stay hidden inside the pack)
#   STATIC_RUNTIME          link libstdc++ and libgcc statically into the pack
#                           (-static-libstdc++ -static-libgcc): for a pack built
#                           with a newer GCC than the host's, whose libstdc++
#                           the host machine lacks. CMAKE_SHARED_LINKER_FLAGS
#                           does not reach a MODULE library; this option does.
#
# The CMake target is called packhost_pack_<name>.

set(_PACKHOST_PACK_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "where PackhostPack.cmake lives")
# The pack ABI this SDK builds for, from the abi.h it ships (whoever
# includes this file says where: PACKHOST_SDK_ABI_HEADER).
include("${CMAKE_CURRENT_LIST_DIR}/PackhostAbiVersion.cmake")
packhost_abi_version("${PACKHOST_SDK_ABI_HEADER}" _packhost_abi)
set(PACKHOST_ABI_VERSION "${_packhost_abi_VERSION}" CACHE INTERNAL "the pack ABI this SDK builds for")

# Copies pack.yaml and the content folders of `pack_dir` into `out`.
function(_packhost_copy_pack_content pack_dir out)
  # Copied at configure time (keeping permissions, so scripts stay executable);
  # CONFIGURE_DEPENDS re-runs the copy when files are added or changed.
  # The top-level files by name and the content folders recursively: a
  # recursive glob from the pack's folder would also find the copies in a
  # build directory inside it (cmake -S . -B build), and keep re-running
  # CMake as each build added more.
  file(GLOB top CONFIGURE_DEPENDS RELATIVE "${pack_dir}"
       "${pack_dir}/pack.yaml" "${pack_dir}/config.schema.yaml")
  file(GLOB_RECURSE content CONFIGURE_DEPENDS RELATIVE "${pack_dir}"
       "${pack_dir}/actions/*" "${pack_dir}/rules/*" "${pack_dir}/aliases/*"
       "${pack_dir}/sensors/*" "${pack_dir}/policies/*" "${pack_dir}/triggers/*")
  list(APPEND content ${top})
  foreach(f IN LISTS content)
    configure_file("${pack_dir}/${f}" "${out}/${f}" COPYONLY)
  endforeach()
endfunction()

function(packhost_add_pack name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "STATIC_RUNTIME" "PACK_DIR;OUTPUT_DIRECTORY;INSTALL_DESTINATION"
                        "SOURCES;LINK_LIBRARIES")
  if(NOT name MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "packhost_add_pack: pack name '${name}' must match ^[a-z0-9_]+$")
  endif()
  if(NOT ARG_PACK_DIR)
    set(ARG_PACK_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/packs")
  endif()
  set(out "${ARG_OUTPUT_DIRECTORY}/${name}")
  set(target packhost_pack_${name})
  if(NOT EXISTS "${ARG_PACK_DIR}/pack.yaml")
    message(FATAL_ERROR "packhost_add_pack(${name}): ${ARG_PACK_DIR}/pack.yaml does not exist")
  endif()

  if(NOT ARG_SOURCES)
    # Content only: no library, no manifest (the host loads no library for it).
    _packhost_copy_pack_content("${ARG_PACK_DIR}" "${out}")
    add_custom_target(${target} ALL)
    if(ARG_INSTALL_DESTINATION)
      install(DIRECTORY "${out}/" DESTINATION "${ARG_INSTALL_DESTINATION}/${name}" USE_SOURCE_PERMISSIONS)
    endif()
    return()
  endif()

  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE PackhostSDK::sdk ${ARG_LINK_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "${name}"
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY "${out}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANG_AND_ID:CXX,GNU>:-fno-gnu-unique>)
  set(version_script "${CMAKE_CURRENT_BINARY_DIR}/${target}.map")
  file(WRITE "${version_script}" "{\n  global: packhost_pack_entry_v1;\n  local: *;\n};\n")
  target_link_options(${target} PRIVATE -Wl,--exclude-libs,ALL -Wl,-z,defs
                      "-Wl,--version-script=${version_script}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${version_script}")
  if(ARG_STATIC_RUNTIME)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()

  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}" -DLIBRARY=$<TARGET_FILE:${target}> -DNM=${CMAKE_NM}
            -DREADELF=${CMAKE_READELF} -P "${_PACKHOST_PACK_CMAKE_DIR}/PackhostCheckExports.cmake"
    VERBATIM)

  _packhost_copy_pack_content("${ARG_PACK_DIR}" "${out}")

  set(manifest "{\n  \"pack\": \"${name}\",\n  \"library\": \"$<TARGET_FILE_NAME:${target}>\",\n")
  string(APPEND manifest "  \"abi\": \"${PACKHOST_ABI_VERSION}\",\n")
  string(APPEND manifest "  \"entry_symbol\": \"packhost_pack_entry_v1\",\n")
  string(APPEND manifest "  \"compiler\": \"${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}\"\n}\n")
  file(GENERATE OUTPUT "${out}/manifest.json" CONTENT "${manifest}")

  if(ARG_INSTALL_DESTINATION)
    install(TARGETS ${target} LIBRARY DESTINATION "${ARG_INSTALL_DESTINATION}/${name}")
    install(DIRECTORY "${out}/" DESTINATION "${ARG_INSTALL_DESTINATION}/${name}"
            USE_SOURCE_PERMISSIONS PATTERN "*.so" EXCLUDE)
  endif()
endfunction()
