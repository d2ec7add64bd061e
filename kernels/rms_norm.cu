// Fused residual add + RMSNorm (LlamaRMSNorm / Qwen3RMSNorm), fp32 math.
//
//   residual[r, :] += float(add[r, :])            (when add is given)
//   out[r, j] = bf16(w[j] * residual[r, j] / sqrt(mean_j(residual[r, j]^2) + eps))
//
// residual [rows x dim] fp32 (updated in place), add and out [rows x dim]
// bf16, w [dim] bf16. Grid: one block of 256 threads per row; the sum of
// squares is a block reduction in fp32 (the CPU sums sequentially in fp32: the
// two differ by rounding only, ~1e-7 relative).
#include "common.cuh"

namespace llmctl::cuda {
namespace {

__global__ void add_rms_norm_kernel(float* residual, const bf16_t* add, const bf16_t* weight, std::int64_t dim,
                                    float eps, bf16_t* out) {
  __shared__ float shared[32];
  const std::int64_t r = blockIdx.x;
  float* x = residual + r * dim;
  float sum = 0.0f;
  for (std::int64_t j = threadIdx.x; j < dim; j += blockDim.x) {
    float v = x[j];
    if (add) {
      v += detail::to_float(add[r * dim + j]);
      x[j] = v;
    }
    sum += v * v;
  }
  sum = detail::block_sum(sum, shared);
  const float inv = 1.0f / sqrtf(sum / static_cast<float>(dim) + eps);
  for (std::int64_t j = threadIdx.x; j < dim; j += blockDim.x)
    out[r * dim + j] = detail::to_bf16(detail::to_float(weight[j]) * (x[j] * inv));
}

}  // namespace

void launch_add_rms_norm(float* residual, const bf16_t* add, const bf16_t* weight, std::int64_t rows,
                         std::int64_t dim, float eps, bf16_t* out, cudaStream_t stream) {
  if (rows <= 0) return;
  add_rms_norm_kernel<<<static_cast<unsigned>(rows), 256, 0, stream>>>(residual, add, weight, dim, eps, out);
  LLMCTL_CUDA_CHECK_LAUNCH("add_rms_norm_kernel");
}

}  // namespace llmctl::cuda
