// Device helpers shared by the kernels: bf16 <-> float, warp and block
// reductions. Reductions are in fp32 (float) or fp64 (double) as each kernel
// says; none uses fast-math intrinsics.
#pragma once

#include "check.hpp"
#include "kernels.hpp"

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace llmctl::cuda::detail {

__device__ __forceinline__ float to_float(bf16_t bits) {
  return __bfloat162float(__ushort_as_bfloat16(static_cast<unsigned short>(bits)));
}
// Round to nearest even, as torch's .to(torch.bfloat16).
__device__ __forceinline__ bf16_t to_bf16(float x) {
  return static_cast<bf16_t>(__bfloat16_as_ushort(__float2bfloat16_rn(x)));
}

template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}
template <typename T>
__device__ __forceinline__ T warp_max(T v) {
  for (int offset = 16; offset > 0; offset >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

// Sum over the block (blockDim.x a multiple of 32, <= 1024); every thread gets
// the result. `shared` holds 32 values; the call ends with a barrier so it
// can be reused right away.
template <typename T>
__device__ T block_sum(T v, T* shared) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  v = warp_sum(v);
  __syncthreads();
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  T total = lane < warps ? shared[lane] : T(0);
  total = warp_sum(total);
  __syncthreads();
  return total;
}

template <typename T>
__device__ T block_max(T v, T* shared, T lowest) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
  v = warp_max(v);
  __syncthreads();
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  T best = lane < warps ? shared[lane] : lowest;
  best = warp_max(best);
  __syncthreads();
  return best;
}

inline unsigned grid_1d(std::int64_t work, unsigned threads) {
  return static_cast<unsigned>((work + threads - 1) / threads);
}

}  // namespace llmctl::cuda::detail
