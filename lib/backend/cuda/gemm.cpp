#include "backend/cuda/gemm.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::cuda {

struct Gemm::Plan {
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulAlgo_t algo{};

  ~Plan() {
    if (c) cublasLtMatrixLayoutDestroy(c);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (desc) cublasLtMatmulDescDestroy(desc);
  }
};

Gemm::Gemm(const CudaContext& ctx) : ctx_(ctx) {}
Gemm::~Gemm() = default;

Gemm::Plan& Gemm::plan(std::int64_t n, std::int64_t in, std::int64_t out, GemmOut out_type) {
  const auto key = std::make_tuple(n, in, out, static_cast<int>(out_type));
  auto it = plans_.find(key);
  if (it != plans_.end()) return *it->second;
  auto p = std::make_unique<Plan>();
  LLMCTL_CUBLAS_CHECK(cublasLtMatmulDescCreate(&p->desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t trans_a = CUBLAS_OP_T, trans_b = CUBLAS_OP_N;
  LLMCTL_CUBLAS_CHECK(
      cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_TRANSA, &trans_a, sizeof(trans_a)));
  LLMCTL_CUBLAS_CHECK(
      cublasLtMatmulDescSetAttribute(p->desc, CUBLASLT_MATMUL_DESC_TRANSB, &trans_b, sizeof(trans_b)));
  const auto u = [](std::int64_t v) { return static_cast<std::uint64_t>(v); };
  LLMCTL_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&p->a, CUDA_R_16BF, u(in), u(out), in));
  LLMCTL_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&p->b, CUDA_R_16BF, u(in), u(n), in));
  LLMCTL_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&p->c, out_type == GemmOut::fp32 ? CUDA_R_32F : CUDA_R_16BF, u(out),
                                                 u(n), out));
  cublasLtMatmulPreference_t pref = nullptr;
  LLMCTL_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
  const std::size_t ws = ctx_.workspace_bytes();
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  const cublasStatus_t status = [&] {
    cublasStatus_t s =
        cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws));
    if (s != CUBLAS_STATUS_SUCCESS) return s;
    return cublasLtMatmulAlgoGetHeuristic(ctx_.lt(), p->desc, p->a, p->b, p->c, p->c, pref, 1, &result, &found);
  }();
  cublasLtMatmulPreferenceDestroy(pref);
  LLMCTL_CUBLAS_CHECK(status);
  if (found == 0)
    throw runtime_error(fmt::format("cuBLASLt has no algorithm for a bf16 GEMM of {} x {} x {}", n, out, in));
  p->algo = result.algo;
  return *plans_.emplace(key, std::move(p)).first->second;
}

void Gemm::linear(const bf16_t* x, std::int64_t n, std::int64_t in, const bf16_t* w, std::int64_t out, void* y,
                  GemmOut out_type) {
  if (n <= 0) return;
  Plan& p = plan(n, in, out, out_type);
  const float alpha = 1.0f, beta = 0.0f;
  LLMCTL_CUBLAS_CHECK(cublasLtMatmul(ctx_.lt(), p.desc, &alpha, w, p.a, x, p.b, &beta, y, p.c, y, p.c, &p.algo,
                                     ctx_.workspace(), ctx_.workspace_bytes(), ctx_.stream()));
}

}  // namespace llmctl::cuda
