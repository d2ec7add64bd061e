// Q/K post-projection: bias, Qwen3's per-head RMSNorm, NeoX RoPE, and the
// paged KV-cache write, fused in one pass over the qkv projection's output.
//
// For token t at position p, head vector x (d = head_dim values):
//   x += bias                                         (Qwen2: q/k/v biases)
//   q, k: x = w_norm * x / sqrt(mean(x^2) + eps)      (Qwen3 q_norm / k_norm, fp32)
//   q, k: for i < d/2, a = x[i], b = x[i + d/2], angle = float(p) * inv_freq[i]:
//           x[i] = a cos(angle) - b sin(angle);  x[i + d/2] = b cos(angle) + a sin(angle)
//   q -> q_out[t, h, :] (contiguous heads for the attention kernels); k, v -> cache[slot_mapping[t], kv_head, :] (slot < 0: skipped)
// inv_freq [d/2] fp32 comes from the host (backend/cpu rope_inv_freq: the
// default 1/theta^(2i/d) or the llama3 rope_scaling adjustment), so GPU and
// CPU share one definition.
//
// Layouts: qkv [tokens x (H + 2 Hkv) x d] bf16, row t = [q heads | k heads | v heads];
// cache [num_slots x Hkv x d] bf16, slot = block * block_size + offset.
// Grid: one block per token, one warp per head (8 warps striding over the
// H + 2 Hkv heads); each warp stages its head in shared memory (d <= 256) so
// the rotate-half partner i + d/2 is reachable whatever d is.
#include "common.cuh"

namespace llmctl::cuda {
namespace {

constexpr int kWarps = 8;
constexpr int kMaxHeadDim = 256;

__global__ void qk_norm_rope_kv_kernel(const bf16_t* qkv, bf16_t* q_out, int heads, int kv_heads, int d, const bf16_t* q_bias,
                                       const bf16_t* k_bias, const bf16_t* v_bias, const bf16_t* q_norm,
                                       const bf16_t* k_norm, float eps, const float* inv_freq,
                                       const std::int32_t* positions, const std::int64_t* slot_mapping,
                                       bf16_t* k_cache, bf16_t* v_cache) {
  __shared__ float stage[kWarps][kMaxHeadDim];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const std::int64_t t = blockIdx.x;
  const int total_heads = heads + 2 * kv_heads;
  const bf16_t* row = qkv + t * static_cast<std::int64_t>(total_heads) * d;
  const float pos = static_cast<float>(positions[t]);
  const std::int64_t slot = slot_mapping[t];
  float* s = stage[warp];
  for (int h = warp; h < total_heads; h += kWarps) {
    const bool is_q = h < heads, is_k = !is_q && h < heads + kv_heads, is_v = !is_q && !is_k;
    const int local = is_q ? h : (is_k ? h - heads : h - heads - kv_heads);
    const bf16_t* bias = is_q ? q_bias : (is_k ? k_bias : v_bias);
    const bf16_t* norm = is_q ? q_norm : (is_k ? k_norm : nullptr);
    const bf16_t* x = row + static_cast<std::int64_t>(h) * d;
    float sq = 0.0f;
    for (int i = lane; i < d; i += 32) {
      float v = detail::to_float(x[i]);
      if (bias) v += detail::to_float(bias[local * d + i]);
      s[i] = v;
      sq += v * v;
    }
    if (norm) {
      sq = detail::warp_sum(sq);
      const float inv = 1.0f / sqrtf(sq / static_cast<float>(d) + eps);
      for (int i = lane; i < d; i += 32) s[i] = detail::to_float(norm[i]) * (s[i] * inv);
    }
    __syncwarp();
    if (!is_v) {
      const int half = d / 2;
      for (int i = lane; i < half; i += 32) {
        float sn, cs;
        sincosf(pos * inv_freq[i], &sn, &cs);
        const float a = s[i], b = s[i + half];
        s[i] = a * cs - b * sn;
        s[i + half] = b * cs + a * sn;
      }
      __syncwarp();
    }
    if (is_q) {
      bf16_t* q = q_out + (t * heads + h) * d;
      for (int i = lane; i < d; i += 32) q[i] = detail::to_bf16(s[i]);
    } else if (slot >= 0) {
      bf16_t* cache = (is_k ? k_cache : v_cache) + (slot * kv_heads + local) * d;
      for (int i = lane; i < d; i += 32) cache[i] = detail::to_bf16(s[i]);
    }
    __syncwarp();  // the next head reuses the stage
  }
}

}  // namespace

void launch_qk_norm_rope_kv(const bf16_t* qkv, bf16_t* q_out, const QkvLayout& layout, const bf16_t* q_bias, const bf16_t* k_bias,
                            const bf16_t* v_bias, const bf16_t* q_norm, const bf16_t* k_norm, float eps,
                            const float* inv_freq, const std::int32_t* positions, const std::int64_t* slot_mapping,
                            bf16_t* k_cache, bf16_t* v_cache, cudaStream_t stream) {
  if (layout.tokens <= 0) return;
  if (layout.head_dim <= 0 || layout.head_dim > kMaxHeadDim || layout.head_dim % 2 != 0)
    check_cuda(cudaErrorInvalidValue, "qk_norm_rope_kv: head_dim must be even and <= 256", __FILE__, __LINE__);
  qk_norm_rope_kv_kernel<<<static_cast<unsigned>(layout.tokens), kWarps * 32, 0, stream>>>(
      qkv, q_out, static_cast<int>(layout.heads), static_cast<int>(layout.kv_heads), static_cast<int>(layout.head_dim),
      q_bias, k_bias, v_bias, q_norm, k_norm, eps, inv_freq, positions, slot_mapping, k_cache, v_cache);
  LLMCTL_CUDA_CHECK_LAUNCH("qk_norm_rope_kv_kernel");
}

}  // namespace llmctl::cuda
