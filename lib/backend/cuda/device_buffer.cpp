#include "backend/cuda/device_buffer.hpp"

#include "check.hpp"

#include <cuda_runtime_api.h>

#include <cstdio>

namespace llmctl::cuda {

template <MemoryKind Kind>
CudaMemory<Kind>::CudaMemory(std::size_t bytes) : bytes_(bytes) {
  if (bytes == 0) return;
  if constexpr (Kind == MemoryKind::device) {
    LLMCTL_CUDA_CHECK(cudaMalloc(&data_, bytes));
  } else {
    LLMCTL_CUDA_CHECK(cudaMallocHost(&data_, bytes));
  }
}

template <MemoryKind Kind>
void CudaMemory<Kind>::reset() {
  if (data_) {
    const bool device = Kind == MemoryKind::device;
    const cudaError_t err = device ? cudaFree(data_) : cudaFreeHost(data_);
    if (err != cudaSuccess)
      std::fprintf(stderr, "llmctl: %s failed: %s\n", device ? "cudaFree" : "cudaFreeHost", cudaGetErrorString(err));
  }
  data_ = nullptr;
  bytes_ = 0;
}

template class CudaMemory<MemoryKind::device>;
template class CudaMemory<MemoryKind::pinned_host>;

}  // namespace llmctl::cuda
