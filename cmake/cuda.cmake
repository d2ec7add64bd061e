# LLMCTL_CUDA=AUTO|ON|OFF decides whether the CUDA backend (lib/backend/cuda +
# kernels/) is built. AUTO builds it when nvcc is found; ON fails when it is not.
# Architectures: sm_80, sm_86, sm_89, sm_90 as SASS plus compute_90 PTX so newer
# GPUs JIT-compile the kernels. LLMCTL_CUDA_ARCHS overrides the list (e.g. "90"
# while developing, or the local GPU's compute capability in scripts/gpu-check);
# an explicit -DCMAKE_CUDA_ARCHITECTURES wins over both.
set(LLMCTL_WITH_CUDA OFF)
string(TOUPPER "${LLMCTL_CUDA}" _llmctl_cuda_mode)
if(NOT _llmctl_cuda_mode MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "LLMCTL_CUDA must be AUTO, ON or OFF (got '${LLMCTL_CUDA}')")
endif()

set(LLMCTL_CUDA_ROOT "/usr/local/cuda" CACHE PATH "Where to look for nvcc (besides PATH and CUDACXX)")
if(NOT _llmctl_cuda_mode STREQUAL "OFF")
  if(NOT CMAKE_CUDA_COMPILER)
    if(DEFINED ENV{CUDACXX})
      set(_llmctl_nvcc "$ENV{CUDACXX}")
    else()
      find_program(_llmctl_nvcc nvcc HINTS "${LLMCTL_CUDA_ROOT}/bin" NO_CACHE NO_CMAKE_SYSTEM_PATH)
    endif()
    if(_llmctl_nvcc)
      set(CMAKE_CUDA_COMPILER "${_llmctl_nvcc}")
    endif()
  endif()
  if(CMAKE_CUDA_COMPILER)
    set(LLMCTL_WITH_CUDA ON)
  elseif(_llmctl_cuda_mode STREQUAL "ON")
    message(FATAL_ERROR
      "LLMCTL_CUDA=ON but no CUDA compiler (nvcc) was found on PATH or in ${LLMCTL_CUDA_ROOT}/bin. "
      "Install the CUDA Toolkit, point LLMCTL_CUDA_ROOT (or CUDACXX) at it, or configure with "
      "-DLLMCTL_CUDA=OFF for a CPU-only build.")
  else()
    message(STATUS "llmctl: nvcc not found, building the CPU backend only (LLMCTL_CUDA=AUTO)")
  endif()
endif()

if(LLMCTL_WITH_CUDA)
  set(LLMCTL_CUDA_ARCHS "80-real;86-real;89-real;90-real;90-virtual" CACHE STRING
      "CUDA architectures of the kernels (CMake CUDA_ARCHITECTURES syntax)")
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES ${LLMCTL_CUDA_ARCHS})
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  set(CMAKE_CUDA_STANDARD 17)  # CMake 3.25 knows no CUDA20 flags for nvcc
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  file(GLOB_RECURSE LLMCTL_CUDA_SOURCES CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/lib/backend/cuda/*.cpp
       ${CMAKE_SOURCE_DIR}/lib/backend/cuda/*.cu
       ${CMAKE_SOURCE_DIR}/kernels/*.cu)
  add_library(llmctl_cuda STATIC ${LLMCTL_CUDA_SOURCES})
  target_include_directories(llmctl_cuda PUBLIC ${CMAKE_SOURCE_DIR}/lib ${CMAKE_SOURCE_DIR}/kernels)
  # Host code is held to the project's warnings (-Werror included); nvcc's own
  # diagnostics on device code are errors too (-Werror all-warnings). No
  # --use_fast_math: the kernels must match the CPU reference (expf, sincosf).
  set(_llmctl_cuda_werror "")
  if(LLMCTL_WERROR)
    set(_llmctl_cuda_werror ",-Werror")
  endif()
  target_compile_options(llmctl_cuda PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${LLMCTL_WARNINGS}>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra${_llmctl_cuda_werror} --expt-relaxed-constexpr
                               -lineinfo>)
  if(LLMCTL_WERROR)
    target_compile_options(llmctl_cuda PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Werror=all-warnings>)
  endif()
  # The runner builds on the engine's types, the model's weights, the CPU
  # backend's RoPE frequencies (one definition of inv_freq) and the sizing
  # module's predictions; GEMMs go through cuBLASLt. Static cudart keeps the
  # binary runnable on machines without the CUDA toolkit (the driver is enough).
  target_link_libraries(llmctl_cuda PUBLIC CUDA::cudart_static CUDA::cublasLt CUDA::cublas
                        llmctl_backend_cpu llmctl_sizing llmctl_engine llmctl_model llmctl_util)
  message(STATUS "llmctl: building the CUDA backend with ${CMAKE_CUDA_COMPILER} "
                 "(${CMAKE_CUDA_COMPILER_VERSION}) for ${CMAKE_CUDA_ARCHITECTURES}")
endif()

# The GPU tests (tests/backend_cuda): one binary, one ctest entry labelled
# `gpu`, that exits 125 (reported as skipped) where no device is present.
# Called from tests/CMakeLists.txt, after llmctl_test_main exists.
function(llmctl_cuda_tests)
  if(NOT LLMCTL_WITH_CUDA)
    return()
  endif()
  file(GLOB _tests CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/backend_cuda/*.cpp)
  add_executable(llmctl_tests_backend_cuda ${_tests})
  target_compile_options(llmctl_tests_backend_cuda PRIVATE ${LLMCTL_WARNINGS})
  target_include_directories(llmctl_tests_backend_cuda PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(llmctl_tests_backend_cuda PRIVATE
    LLMCTL_SOURCE_DIR="${CMAKE_SOURCE_DIR}" LLMCTL_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests/data")
  target_link_libraries(llmctl_tests_backend_cuda PRIVATE llmctl_cuda doctest::doctest)
  add_test(NAME "backend_cuda: gpu tests" COMMAND llmctl_tests_backend_cuda)
  set_tests_properties("backend_cuda: gpu tests" PROPERTIES LABELS gpu SKIP_RETURN_CODE 125 TIMEOUT 900)
endfunction()
