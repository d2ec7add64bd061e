#include "backend/cpu/lazy_buffer.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <sys/mman.h>

namespace llmctl::backend::cpu {

LazyBuffer::LazyBuffer(std::size_t bytes) : bytes_(bytes) {
  if (bytes == 0) return;
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw runtime_error(fmt::format("cannot reserve {:.2f} GiB for the KV cache: {}",
                                    static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0), std::strerror(errno)),
                        "lower the KV cache space (--max-model-len / the CPU KV cache size)");
  data_ = p;
}

LazyBuffer::~LazyBuffer() {
  if (data_) ::munmap(data_, bytes_);
}

LazyBuffer::LazyBuffer(LazyBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

LazyBuffer& LazyBuffer::operator=(LazyBuffer&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(data_, bytes_);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

}  // namespace llmctl::backend::cpu
