// Paged-KV helpers shared by the prefill and decode attention kernels.
#pragma once

#include "common.cuh"

namespace llmctl::cuda::detail {

// Head dims up to 256: each lane owns dims lane, lane + 32, ... (8 at most).
constexpr int kMaxDimChunks = 8;

// The cache slot of key position `pos` of a sequence whose block table row is `table`.
__device__ __forceinline__ std::int64_t kv_slot(const std::int32_t* table, std::int64_t block_size, std::int64_t pos) {
  return static_cast<std::int64_t>(table[pos / block_size]) * block_size + pos % block_size;
}

// dot(q, k) with q in fp32 (shared memory) and k a bf16 row of d values (d even).
__device__ __forceinline__ float dot_bf16_row(const float* q, const bf16_t* k, int d) {
  const __nv_bfloat162* k2 = reinterpret_cast<const __nv_bfloat162*>(k);
  float acc = 0.0f;
  for (int i = 0; i < d / 2; ++i) {
    const float2 kf = __bfloat1622float2(k2[i]);
    acc += q[2 * i] * kf.x + q[2 * i + 1] * kf.y;
  }
  return acc;
}

}  // namespace llmctl::cuda::detail
