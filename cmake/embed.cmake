# Embeds every file under a directory into the binary as a sorted table of
# {relative path, contents}, so the catalog (and later the manifest templates)
# work from any install location and offline. The generated .cpp is rebuilt when
# a file is added, removed or changed.
function(llmctl_embed_directory)
  cmake_parse_arguments(ARG "" "NAME;DIRECTORY;OUTPUT" "" ${ARGN})
  file(GLOB_RECURSE _files CONFIGURE_DEPENDS RELATIVE ${ARG_DIRECTORY} ${ARG_DIRECTORY}/*)
  list(SORT _files)
  set(_deps)
  foreach(_f IN LISTS _files)
    list(APPEND _deps ${ARG_DIRECTORY}/${_f})
  endforeach()
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DNAME=${ARG_NAME} -DDIRECTORY=${ARG_DIRECTORY}
            -DOUTPUT=${ARG_OUTPUT} "-DFILES=${_files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${_deps} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${ARG_NAME} (${ARG_DIRECTORY})"
    VERBATIM)
endfunction()
