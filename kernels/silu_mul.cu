// SiLU-and-mul, SwiGLU's product (transformers' act_fn(gate_proj(x)) * up_proj(x)).
//
//   out[t, i] = silu(g) * u,  g = gate_up[t, i], u = gate_up[t, I + i],
//   silu(g) = g / (1 + exp(-g))                   (fp32 math, expf)
//
// gate_up [tokens x 2I] bf16: the fused gate/up projection's output, gate
// first; out [tokens x I] bf16. Grid: flat over tokens x I, 256 threads.
#include "common.cuh"

namespace llmctl::cuda {
namespace {

__global__ void silu_mul_kernel(const bf16_t* gate_up, std::int64_t tokens, std::int64_t inter, bf16_t* out) {
  const std::int64_t n = tokens * inter;
  for (std::int64_t idx = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; idx < n;
       idx += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t t = idx / inter, i = idx % inter;
    const float g = detail::to_float(gate_up[t * 2 * inter + i]);
    const float u = detail::to_float(gate_up[t * 2 * inter + inter + i]);
    out[idx] = detail::to_bf16(g / (1.0f + expf(-g)) * u);
  }
}

}  // namespace

void launch_silu_mul(const bf16_t* gate_up, std::int64_t tokens, std::int64_t inter, bf16_t* out,
                     cudaStream_t stream) {
  const std::int64_t n = tokens * inter;
  if (n <= 0) return;
  // Grid-stride loop: at most 64K blocks whatever the batch.
  const unsigned blocks = detail::grid_1d(n, 256) < 65535u ? detail::grid_1d(n, 256) : 65535u;
  silu_mul_kernel<<<blocks, 256, 0, stream>>>(gate_up, tokens, inter, out);
  LLMCTL_CUDA_CHECK_LAUNCH("silu_mul_kernel");
}

}  // namespace llmctl::cuda
