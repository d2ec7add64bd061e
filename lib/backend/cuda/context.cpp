#include "backend/cuda/context.hpp"

#include "check.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace llmctl::cuda {

void throw_cublas_error(const char* expr, int status, const char* file, int line) {
  const auto s = static_cast<cublasStatus_t>(status);
  throw runtime_error(fmt::format("cuBLAS error {} ({}: {}) in {} at {}:{}", status, cublasLtGetStatusName(s),
                                  cublasLtGetStatusString(s), expr, file, line));
}

CudaContext::CudaContext(int device, std::size_t workspace_bytes) : device_(device) {
  LLMCTL_CUDA_CHECK(cudaSetDevice(device));
  cudaDeviceProp prop{};
  LLMCTL_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  name_ = prop.name;
  cc_major_ = prop.major;
  cc_minor_ = prop.minor;
  if (cc_major_ < 8)
    throw usage_error(fmt::format("GPU {} has compute capability {}.{}; the CUDA backend needs 8.0 or newer (bf16)",
                                  name_, cc_major_, cc_minor_),
                      "use --device cpu");
  LLMCTL_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  LLMCTL_CUBLAS_CHECK(cublasLtCreate(&lt_));
  workspace_ = DeviceBuffer(workspace_bytes);
}

CudaContext::~CudaContext() {
  // Teardown errors cannot be thrown from here: report them.
  if (stream_) {
    const cudaError_t err = cudaStreamSynchronize(stream_);
    if (err != cudaSuccess) std::fprintf(stderr, "llmctl: stream sync at teardown: %s\n", cudaGetErrorString(err));
  }
  workspace_.reset();
  if (lt_) cublasLtDestroy(lt_);
  if (stream_) cudaStreamDestroy(stream_);
}

void CudaContext::synchronize() const { LLMCTL_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

void CudaContext::memory_info(std::size_t& free_bytes, std::size_t& total_bytes) const {
  LLMCTL_CUDA_CHECK(cudaSetDevice(device_));
  LLMCTL_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
}

}  // namespace llmctl::cuda
