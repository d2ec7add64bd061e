// Error checking for every CUDA runtime and cuBLAS call: the failing
// expression, the error's name and text, and the file and line where it was
// made end up in the llmctl::runtime_error that is thrown (check.cpp in
// lib/backend/cuda). Plain C++17 so both nvcc (.cu) and the host compiler
// (.cpp, C++20) include it.
#pragma once

#include <cuda_runtime_api.h>

namespace llmctl::cuda {

[[noreturn]] void throw_cuda_error(const char* expr, int code, const char* name, const char* text, const char* file,
                                   int line);

inline void check_cuda(cudaError_t err, const char* expr, const char* file, int line) {
  if (err != cudaSuccess) throw_cuda_error(expr, static_cast<int>(err), cudaGetErrorName(err), cudaGetErrorString(err),
                                           file, line);
}

}  // namespace llmctl::cuda

#define LLMCTL_CUDA_CHECK(expr) ::llmctl::cuda::check_cuda((expr), #expr, __FILE__, __LINE__)
// After a <<<...>>> launch: a bad configuration (grid, shared memory) is
// reported here; faults inside the kernel surface at the next synchronising call.
#define LLMCTL_CUDA_CHECK_LAUNCH(name) ::llmctl::cuda::check_cuda(cudaGetLastError(), "launch of " name, __FILE__, __LINE__)
