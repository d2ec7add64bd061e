// GEMMs through cuBLASLt: y[n x out] = x[n x in] W^T, the torch.nn.Linear
// product with W stored [out, in] row-major, bf16 inputs, fp32 accumulation,
// bf16 or fp32 output (logits).
//
// cuBLASLt is column-major: row-major y [n x out] is column-major Y [out x n];
// W row-major [out x in] is column-major [in x out], so Y = op_T(W) op_N(X)
// with m = out, n = n, k = in, lda = ldb = in, ldc = out.
//
// The descriptors and the heuristic's algorithm are cached per shape (one
// lookup per new n); the workspace and stream are the context's, so the calls
// can be captured into CUDA graphs.
#pragma once

#include "backend/cuda/context.hpp"
#include "kernels.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>

namespace llmctl::cuda {

enum class GemmOut { bf16, fp32 };

class Gemm {
 public:
  explicit Gemm(const CudaContext& ctx);
  ~Gemm();
  Gemm(const Gemm&) = delete;
  Gemm& operator=(const Gemm&) = delete;

  void linear(const bf16_t* x, std::int64_t n, std::int64_t in, const bf16_t* w, std::int64_t out, void* y,
              GemmOut out_type);

 private:
  struct Plan;
  Plan& plan(std::int64_t n, std::int64_t in, std::int64_t out, GemmOut out_type);

  const CudaContext& ctx_;
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, int>, std::unique_ptr<Plan>> plans_;
};

}  // namespace llmctl::cuda
