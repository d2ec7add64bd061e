#include "backend/cuda/device_buffer.hpp"

#include "check.hpp"

#include <cuda_runtime_api.h>

#include <cstdio>
#include <utility>

namespace llmctl::cuda {

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
  if (bytes > 0) LLMCTL_CUDA_CHECK(cudaMalloc(&data_, bytes));
}
DeviceBuffer::~DeviceBuffer() { reset(); }
DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    reset();
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}
void DeviceBuffer::reset() {
  if (data_) {
    const cudaError_t err = cudaFree(data_);
    if (err != cudaSuccess) std::fprintf(stderr, "llmctl: cudaFree failed: %s\n", cudaGetErrorString(err));
  }
  data_ = nullptr;
  bytes_ = 0;
}

PinnedBuffer::PinnedBuffer(std::size_t bytes) : bytes_(bytes) {
  if (bytes > 0) LLMCTL_CUDA_CHECK(cudaMallocHost(&data_, bytes));
}
PinnedBuffer::~PinnedBuffer() { reset(); }
PinnedBuffer::PinnedBuffer(PinnedBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
PinnedBuffer& PinnedBuffer::operator=(PinnedBuffer&& other) noexcept {
  if (this != &other) {
    reset();
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}
void PinnedBuffer::reset() {
  if (data_) {
    const cudaError_t err = cudaFreeHost(data_);
    if (err != cudaSuccess) std::fprintf(stderr, "llmctl: cudaFreeHost failed: %s\n", cudaGetErrorString(err));
  }
  data_ = nullptr;
  bytes_ = 0;
}

}  // namespace llmctl::cuda
