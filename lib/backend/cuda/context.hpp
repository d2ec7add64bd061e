// One engine's CUDA state: the device, its stream (every kernel, copy, GEMM
// and graph of the engine runs on it, in order), the cuBLASLt handle and the
// GEMM workspace. Handed explicitly to whatever launches work: no globals.
#pragma once

#include "backend/cuda/device_buffer.hpp"

#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>

namespace llmctl::cuda {

[[noreturn]] void throw_cublas_error(const char* expr, int status, const char* file, int line);
inline void check_cublas(cublasStatus_t status, const char* expr, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS) throw_cublas_error(expr, static_cast<int>(status), file, line);
}
#define LLMCTL_CUBLAS_CHECK(expr) ::llmctl::cuda::check_cublas((expr), #expr, __FILE__, __LINE__)

class CudaContext {
 public:
  // 32 MiB: what cuBLAS recommends for Hopper (and ample before it).
  static constexpr std::size_t kDefaultWorkspace = std::size_t{32} << 20;

  explicit CudaContext(int device, std::size_t workspace_bytes = kDefaultWorkspace);
  ~CudaContext();
  CudaContext(const CudaContext&) = delete;
  CudaContext& operator=(const CudaContext&) = delete;

  int device() const { return device_; }
  cudaStream_t stream() const { return stream_; }
  cublasLtHandle_t lt() const { return lt_; }
  void* workspace() const { return workspace_.data(); }
  std::size_t workspace_bytes() const { return workspace_.bytes(); }
  const std::string& name() const { return name_; }
  int cc_major() const { return cc_major_; }
  int cc_minor() const { return cc_minor_; }

  void synchronize() const;
  // cudaMemGetInfo of this device.
  void memory_info(std::size_t& free_bytes, std::size_t& total_bytes) const;

 private:
  int device_ = 0;
  cudaStream_t stream_ = nullptr;
  cublasLtHandle_t lt_ = nullptr;
  DeviceBuffer workspace_;
  std::string name_;
  int cc_major_ = 0, cc_minor_ = 0;
};

}  // namespace llmctl::cuda
