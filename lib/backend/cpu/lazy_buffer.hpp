// Zero-filled memory that costs nothing until written: an anonymous private
// mapping with MAP_NORESERVE, so the CPU KV cache (4 GiB by default, vLLM's
// VLLM_CPU_KVCACHE_SPACE) commits pages only as blocks are filled, where a
// std::vector would zero-fill (and commit) all of it up front.
#pragma once

#include <cstddef>

namespace llmctl::backend::cpu {

class LazyBuffer {
 public:
  LazyBuffer() = default;
  // A runtime Error when the address space cannot be reserved.
  explicit LazyBuffer(std::size_t bytes);
  ~LazyBuffer();
  LazyBuffer(LazyBuffer&& other) noexcept;
  LazyBuffer& operator=(LazyBuffer&& other) noexcept;
  LazyBuffer(const LazyBuffer&) = delete;
  LazyBuffer& operator=(const LazyBuffer&) = delete;

  void* data() const { return data_; }
  float* floats() const { return static_cast<float*>(data_); }
  std::size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace llmctl::backend::cpu
