# Script mode: fails when a file in completions/ differs from what the binary
# generates now. Regenerate with `make completions`.
foreach(_pair "bash;llmctl.bash" "zsh;_llmctl" "fish;llmctl.fish")
  list(GET _pair 0 _shell)
  list(GET _pair 1 _file)
  execute_process(COMMAND ${LLMCTL} completion ${_shell}
                  OUTPUT_VARIABLE _generated RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "llmctl completion ${_shell} failed (exit ${_rc})")
  endif()
  if(NOT EXISTS ${DIR}/${_file})
    message(FATAL_ERROR "completions/${_file} is missing: run `make completions`")
  endif()
  file(READ ${DIR}/${_file} _committed)
  if(NOT _generated STREQUAL _committed)
    message(FATAL_ERROR "completions/${_file} is stale (the CLI changed): run `make completions` and commit the result")
  endif()
endforeach()
message(STATUS "completions are current")
