# LLMCTL_CUDA=AUTO|ON|OFF decides whether the CUDA backend (lib/backend/cuda +
# kernels/) is built. AUTO builds it when nvcc is found; ON fails when it is not.
# Architectures: sm_80, sm_86, sm_89, sm_90 as SASS plus compute_90 PTX so newer
# GPUs JIT-compile the kernels.
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
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 80-real 86-real 89-real 90-real 90-virtual)
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
  target_compile_options(llmctl_cuda PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra --expt-relaxed-constexpr>)
  # cuBLAS joins with the kernels (the CUDA backend issue); static cudart keeps
  # the binary runnable on machines without the CUDA toolkit.
  target_link_libraries(llmctl_cuda PUBLIC CUDA::cudart_static)
  message(STATUS "llmctl: building the CUDA backend with ${CMAKE_CUDA_COMPILER} "
                 "(${CMAKE_CUDA_COMPILER_VERSION}) for ${CMAKE_CUDA_ARCHITECTURES}")
endif()
