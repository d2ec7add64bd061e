// RAII owners of device memory (cudaMalloc) and page-locked host memory
// (cudaMallocHost, for asynchronous copies): one move-only class template,
// the kind of memory choosing the allocate/free pair. Freeing never throws (a
// failure there is reported on stderr: destructors may run while an
// exception unwinds).
#pragma once

#include <cstddef>
#include <utility>

namespace llmctl::cuda {

enum class MemoryKind { device, pinned_host };

template <MemoryKind Kind>
class CudaMemory {
 public:
  CudaMemory() = default;
  explicit CudaMemory(std::size_t bytes);
  ~CudaMemory() { reset(); }
  CudaMemory(CudaMemory&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}
  CudaMemory& operator=(CudaMemory&& other) noexcept {
    if (this != &other) {
      reset();
      data_ = std::exchange(other.data_, nullptr);
      bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
  }
  CudaMemory(const CudaMemory&) = delete;
  CudaMemory& operator=(const CudaMemory&) = delete;

  void* data() const { return data_; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  std::size_t bytes() const { return bytes_; }
  void reset();

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

// Instantiated in device_buffer.cpp.
extern template class CudaMemory<MemoryKind::device>;
extern template class CudaMemory<MemoryKind::pinned_host>;

using DeviceBuffer = CudaMemory<MemoryKind::device>;
using PinnedBuffer = CudaMemory<MemoryKind::pinned_host>;

}  // namespace llmctl::cuda
