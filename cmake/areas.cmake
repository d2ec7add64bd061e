# llmctl_area(<name> [DIR <folder>] [DEPENDS <area>...] [LIBS <target>...])
# Builds lib/<name>/**/*.cpp (lib/<folder>/ when DIR is given, for an area in
# a nested folder such as backend/cpu) into the static library llmctl_<name>, linked to
# the areas it may use, and, when tests/<name>/ has test files, the doctest
# binary llmctl_tests_<name> (each TEST_CASE a ctest entry).
set(LLMCTL_AREAS "" CACHE INTERNAL "")
function(llmctl_area name)
  cmake_parse_arguments(ARG "" "DIR" "DEPENDS;LIBS" ${ARGN})
  if(NOT ARG_DIR)
    set(ARG_DIR ${name})
  endif()
  file(GLOB_RECURSE _sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lib/${ARG_DIR}/*.cpp)
  if(NOT _sources)  # an area whose first module is still to come
    set(_sources ${CMAKE_BINARY_DIR}/generated/empty_area_${name}.cpp)
    file(WRITE ${_sources} "// lib/${ARG_DIR} has no sources yet\n")
  endif()
  add_library(llmctl_${name} STATIC ${_sources})
  target_include_directories(llmctl_${name} PUBLIC ${CMAKE_SOURCE_DIR}/lib)
  target_compile_options(llmctl_${name} PRIVATE ${LLMCTL_WARNINGS})
  foreach(_dep IN LISTS ARG_DEPENDS)
    target_link_libraries(llmctl_${name} PUBLIC llmctl_${_dep})
  endforeach()
  if(ARG_LIBS)
    target_link_libraries(llmctl_${name} PUBLIC ${ARG_LIBS})
  endif()
  set(LLMCTL_AREAS ${LLMCTL_AREAS} llmctl_${name} CACHE INTERNAL "")
  set_property(GLOBAL APPEND PROPERTY LLMCTL_TEST_AREAS ${name})
endfunction()
