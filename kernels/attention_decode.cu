// Paged attention for decode: one query token per sequence, split-K
// ("flash decoding") over partitions of kDecodePartition (512) keys, then a
// reduce over the partitions.
//
// Partition pi of sequence i, head h (keys P = [pi * 512, min((pi + 1) * 512, len_i))):
//   m_pi = max_{p in P} s_p,  l_pi = sum_p exp(s_p - m_pi),  a_pi = sum_p exp(s_p - m_pi) v_p,
//   s_p = q[i, h, :] . k[p, g, :] / sqrt(d),  g = h / (H / Hkv)
// Reduce: M = max_pi m_pi;  out[i, h, :] = sum_pi exp(m_pi - M) a_pi / sum_pi exp(m_pi - M) l_pi
// (fp32 throughout). Inside a partition each of the 4 warps runs the online
// softmax of attention_prefill.cu over every 4th chunk of 32 keys (lane j
// scores key j; in the PV step lane l owns dims l, l + 32, ...), and the
// warps' states merge the same way through shared memory.
//
// Layouts: q, out [num_seqs x H x d] bf16 (token i = sequence i); caches
// [num_slots x Hkv x d] bf16; scratch [num_seqs x H x num_partitions x (d + 2)]
// fp32 = (m, l, a[d]) per partition. The grid (num_partitions, H, num_seqs) is
// fixed by num_partitions (from max_model_len) so CUDA graphs can capture it;
// partitions past a sequence's length exit at once (l = 0, skipped by the
// reduce). seq_len 0 (padding rows of a captured batch) yields zeros.
#include "attention_common.cuh"

namespace llmctl::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kPartition = static_cast<int>(kDecodePartition);

__global__ void attention_decode_kernel(const bf16_t* q, int heads, PagedKv kv, const std::int32_t* seq_lens,
                                        int num_partitions, float* scratch) {
  extern __shared__ float smem[];
  const int d = static_cast<int>(kv.head_dim);
  float* q_s = smem;                      // [d]
  float* warp_ml = q_s + d;               // [kWarps][2]
  float* warp_acc = warp_ml + 2 * kWarps;  // [kWarps][d]
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int part = blockIdx.x, h = blockIdx.y, seq = blockIdx.z;
  const int len = seq_lens[seq];
  const int start = part * kPartition, end = min(start + kPartition, len);
  float* result = scratch + ((static_cast<std::int64_t>(seq) * heads + h) * num_partitions + part) * (d + 2);
  if (start >= end) {
    if (threadIdx.x == 0) {
      result[0] = -INFINITY;
      result[1] = 0.0f;
    }
    return;
  }
  const int kvh = static_cast<int>(kv.kv_heads), g = h / (heads / kvh);
  const std::int32_t* table = kv.block_tables + static_cast<std::int64_t>(seq) * kv.max_blocks_per_seq;
  const float scale = 1.0f / sqrtf(static_cast<float>(d));
  for (int i = threadIdx.x; i < d; i += blockDim.x)
    q_s[i] = detail::to_float(q[(static_cast<std::int64_t>(seq) * heads + h) * d + i]) * scale;
  __syncthreads();

  float m = -INFINITY, l = 0.0f, acc[detail::kMaxDimChunks];
  for (int c = 0; c < detail::kMaxDimChunks; ++c) acc[c] = 0.0f;
  for (int c0 = start + warp * 32; c0 < end; c0 += kWarps * 32) {
    const int key = c0 + lane;
    const bool valid = key < end;
    std::int64_t row = 0;  // element offset of (slot, g, 0)
    float s = -INFINITY;
    if (valid) {
      row = (detail::kv_slot(table, kv.block_size, key) * kvh + g) * d;
      s = detail::dot_bf16_row(q_s, kv.k + row, d);
    }
    const float m_new = fmaxf(m, detail::warp_max(s));  // finite: key c0 is valid
    const float corr = expf(m - m_new);
    const float p = valid ? expf(s - m_new) : 0.0f;
    l = l * corr + detail::warp_sum(p);
#pragma unroll
    for (int c = 0; c < detail::kMaxDimChunks; ++c) acc[c] *= corr;
    const int keys = min(32, end - c0);
    for (int j = 0; j < keys; ++j) {
      const float pj = __shfl_sync(0xffffffffu, p, j);
      const std::int64_t rj = __shfl_sync(0xffffffffu, row, j);
      const bf16_t* vr = kv.v + rj;
#pragma unroll
      for (int c = 0; c < detail::kMaxDimChunks; ++c) {
        const int dim = lane + 32 * c;
        if (dim < d) acc[c] += pj * detail::to_float(vr[dim]);
      }
    }
    m = m_new;
  }
  if (lane == 0) {
    warp_ml[2 * warp] = m;
    warp_ml[2 * warp + 1] = l;
  }
#pragma unroll
  for (int c = 0; c < detail::kMaxDimChunks; ++c) {
    const int dim = lane + 32 * c;
    if (dim < d) warp_acc[warp * d + dim] = acc[c];
  }
  __syncthreads();
  // Merge the warps (a warp with no keys has l = 0 and is skipped).
  float big_m = -INFINITY;
  for (int w = 0; w < kWarps; ++w)
    if (warp_ml[2 * w + 1] > 0.0f) big_m = fmaxf(big_m, warp_ml[2 * w]);
  if (threadIdx.x == 0) {
    float total = 0.0f;
    for (int w = 0; w < kWarps; ++w)
      if (warp_ml[2 * w + 1] > 0.0f) total += warp_ml[2 * w + 1] * expf(warp_ml[2 * w] - big_m);
    result[0] = big_m;
    result[1] = total;
  }
  for (int i = threadIdx.x; i < d; i += blockDim.x) {
    float a = 0.0f;
    for (int w = 0; w < kWarps; ++w)
      if (warp_ml[2 * w + 1] > 0.0f) a += warp_acc[w * d + i] * expf(warp_ml[2 * w] - big_m);
    result[2 + i] = a;
  }
}

__global__ void attention_decode_reduce_kernel(int heads, int d, const std::int32_t* seq_lens, int num_partitions,
                                               const float* scratch, bf16_t* out) {
  const int h = blockIdx.x, seq = blockIdx.y;
  const int len = seq_lens[seq];
  bf16_t* o = out + (static_cast<std::int64_t>(seq) * heads + h) * d;
  const int used = min(num_partitions, (len + kPartition - 1) / kPartition);
  const float* base = scratch + (static_cast<std::int64_t>(seq) * heads + h) * num_partitions * (d + 2);
  float big_m = -INFINITY, total = 0.0f;
  for (int pi = 0; pi < used; ++pi)
    if (base[pi * (d + 2) + 1] > 0.0f) big_m = fmaxf(big_m, base[pi * (d + 2)]);
  for (int pi = 0; pi < used; ++pi) {
    const float* r = base + pi * (d + 2);
    if (r[1] > 0.0f) total += r[1] * expf(r[0] - big_m);
  }
  for (int i = threadIdx.x; i < d; i += blockDim.x) {
    float a = 0.0f;
    for (int pi = 0; pi < used; ++pi) {
      const float* r = base + pi * (d + 2);
      if (r[1] > 0.0f) a += r[2 + i] * expf(r[0] - big_m);
    }
    o[i] = detail::to_bf16(total > 0.0f ? a / total : 0.0f);
  }
}

}  // namespace

std::int64_t decode_scratch_floats(std::int64_t num_seqs, std::int64_t heads, std::int64_t head_dim,
                                   std::int64_t num_partitions) {
  return num_seqs * heads * num_partitions * (head_dim + 2);
}

void launch_attention_decode(const bf16_t* q, std::int64_t num_seqs, std::int64_t heads, const PagedKv& kv,
                             const std::int32_t* seq_lens, std::int64_t num_partitions, float* scratch, bf16_t* out,
                             cudaStream_t stream) {
  if (num_seqs <= 0) return;
  const auto d = kv.head_dim;
  if (d <= 0 || d > 32 * detail::kMaxDimChunks || d % 2 != 0 || kv.kv_heads <= 0 || heads % kv.kv_heads != 0 ||
      num_partitions <= 0 || num_seqs > 65535)
    check_cuda(cudaErrorInvalidValue,
               "attention_decode: head_dim even and <= 256, heads % kv_heads == 0, 1..65535 sequences", __FILE__,
               __LINE__);
  const auto smem = static_cast<std::size_t>((d + 2 * kWarps + kWarps * d) * sizeof(float));
  const dim3 grid(static_cast<unsigned>(num_partitions), static_cast<unsigned>(heads), static_cast<unsigned>(num_seqs));
  attention_decode_kernel<<<grid, kWarps * 32, smem, stream>>>(q, static_cast<int>(heads), kv, seq_lens,
                                                                static_cast<int>(num_partitions), scratch);
  LLMCTL_CUDA_CHECK_LAUNCH("attention_decode_kernel");
  const dim3 reduce_grid(static_cast<unsigned>(heads), static_cast<unsigned>(num_seqs));
  attention_decode_reduce_kernel<<<reduce_grid, 128, 0, stream>>>(static_cast<int>(heads), static_cast<int>(d),
                                                                   seq_lens, static_cast<int>(num_partitions),
                                                                   scratch, out);
  LLMCTL_CUDA_CHECK_LAUNCH("attention_decode_reduce_kernel");
}

}  // namespace llmctl::cuda
