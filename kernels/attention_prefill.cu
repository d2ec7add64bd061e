// Paged attention for prefill and mixed batches: flash-attention style (one
// pass over the keys with an online softmax in fp32), causal, GQA, reading
// K/V through each sequence's block table.
//
//   out[t, h, :] = sum_{p <= pos(t)} softmax_p(q[t, h, :] . k[p, g, :] / sqrt(d)) v[p, g, :]
//   g = h / (H / Hkv);  k[p, g, :] = k_cache[table[p / B] * B + p % B, g, :]
//
// Online softmax per query row (m running max, l running sum, acc running
// output), for each tile of keys with scores s_j:
//   m' = max(m, max_j s_j);  c = exp(m - m');  p_j = exp(s_j - m')
//   l' = c l + sum_j p_j;    acc' = c acc + sum_j p_j v_j;    out = acc / l
//
// Layouts: q, out [tokens x H x d] bf16; caches [num_slots x Hkv x d] bf16;
// block_tables [num_seqs x max_blocks_per_seq] int32; positions [tokens].
// Grid: (query tiles, H). A tile is kPrefillTileQ (16) consecutive tokens of
// one sequence (tile_seq / tile_start, built on the host); 4 warps each own 4
// of its queries. Keys stream through shared memory 32 at a time as fp32
// (rows padded to d + 1 floats: lane j reading key j hits bank j); in the
// score step lane j owns key j, in the PV step lane l owns dims l, l + 32, ...
// Shared memory: (16 d + 2 x 32 (d + 1)) x 4 bytes, 82 KB at d = 256.
#include "attention_common.cuh"

namespace llmctl::cuda {
namespace {

constexpr int kTileQ = static_cast<int>(kPrefillTileQ);
constexpr int kTileK = 32;
constexpr int kWarps = 4;
constexpr int kQueriesPerWarp = kTileQ / kWarps;

__global__ void attention_prefill_kernel(const bf16_t* q, int heads, PagedKv kv, const std::int32_t* positions,
                                         const std::int32_t* query_start, const std::int32_t* tile_seq,
                                         const std::int32_t* tile_start, bf16_t* out) {
  extern __shared__ float smem[];
  const int d = static_cast<int>(kv.head_dim), stride = d + 1;
  float* q_s = smem;                       // [kTileQ][d]
  float* k_s = q_s + kTileQ * d;           // [kTileK][d + 1]
  float* v_s = k_s + kTileK * stride;      // [kTileK][d + 1]
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int h = blockIdx.y, seq = tile_seq[blockIdx.x];
  const int t0 = tile_start[blockIdx.x];
  const int t_end = min(t0 + kTileQ, query_start[seq + 1]);
  const int nq = t_end - t0;
  const int kvh = static_cast<int>(kv.kv_heads), g = h / (heads / kvh);
  const std::int32_t* table = kv.block_tables + static_cast<std::int64_t>(seq) * kv.max_blocks_per_seq;
  const float scale = 1.0f / sqrtf(static_cast<float>(d));

  for (int i = threadIdx.x; i < kTileQ * d; i += blockDim.x) {
    const int qi = i / d, j = i % d;
    q_s[i] = qi < nq ? detail::to_float(q[(static_cast<std::int64_t>(t0 + qi) * heads + h) * d + j]) * scale : 0.0f;
  }
  int pos[kQueriesPerWarp];
  float m[kQueriesPerWarp], l[kQueriesPerWarp], acc[kQueriesPerWarp][detail::kMaxDimChunks];
#pragma unroll
  for (int qq = 0; qq < kQueriesPerWarp; ++qq) {
    const int qi = warp * kQueriesPerWarp + qq;
    pos[qq] = qi < nq ? positions[t0 + qi] : -1;
    m[qq] = -INFINITY;
    l[qq] = 0.0f;
    for (int c = 0; c < detail::kMaxDimChunks; ++c) acc[qq][c] = 0.0f;
  }
  // Tokens of a chunk have increasing positions: the last one sees the most keys.
  const int key_end = positions[t_end - 1] + 1;
  for (int k0 = 0; k0 < key_end; k0 += kTileK) {
    __syncthreads();  // the previous tile is consumed (and q_s written, first time)
    for (int i = threadIdx.x; i < kTileK * d; i += blockDim.x) {
      const int j = i / d, c = i % d, key = k0 + j;
      float kvalue = 0.0f, vvalue = 0.0f;
      if (key < key_end) {
        const std::int64_t base = (detail::kv_slot(table, kv.block_size, key) * kvh + g) * d + c;
        kvalue = detail::to_float(kv.k[base]);
        vvalue = detail::to_float(kv.v[base]);
      }
      k_s[j * stride + c] = kvalue;
      v_s[j * stride + c] = vvalue;
    }
    __syncthreads();
  #pragma unroll
  for (int qq = 0; qq < kQueriesPerWarp; ++qq) {
      if (pos[qq] < k0) continue;  // inactive query, or every key of the tile is in its future
      const float* qv = q_s + (warp * kQueriesPerWarp + qq) * d;
      const bool valid = k0 + lane <= pos[qq];
      float s = -INFINITY;
      if (valid) {
        const float* kr = k_s + lane * stride;
        float dot = 0.0f;
        for (int c = 0; c < d; ++c) dot += qv[c] * kr[c];
        s = dot;
      }
      const float m_new = fmaxf(m[qq], detail::warp_max(s));  // finite: key k0 is valid
      const float corr = expf(m[qq] - m_new);
      const float p = valid ? expf(s - m_new) : 0.0f;
      l[qq] = l[qq] * corr + detail::warp_sum(p);
#pragma unroll
      for (int c = 0; c < detail::kMaxDimChunks; ++c) acc[qq][c] *= corr;
      const int keys = min(kTileK, pos[qq] - k0 + 1);
      for (int j = 0; j < keys; ++j) {
        const float pj = __shfl_sync(0xffffffffu, p, j);
        const float* vr = v_s + j * stride;
#pragma unroll
        for (int c = 0; c < detail::kMaxDimChunks; ++c) {
          const int dim = lane + 32 * c;
          if (dim < d) acc[qq][c] += pj * vr[dim];
        }
      }
      m[qq] = m_new;
    }
  }
#pragma unroll
  for (int qq = 0; qq < kQueriesPerWarp; ++qq) {
    const int qi = warp * kQueriesPerWarp + qq;
    if (qi >= nq) continue;
    const float inv = 1.0f / l[qq];
    bf16_t* o = out + (static_cast<std::int64_t>(t0 + qi) * heads + h) * d;
    for (int c = 0; c < detail::kMaxDimChunks; ++c) {
      const int dim = lane + 32 * c;
      if (dim < d) o[dim] = detail::to_bf16(acc[qq][c] * inv);
    }
  }
}

}  // namespace

void launch_attention_prefill(const bf16_t* q, std::int64_t heads, const PagedKv& kv, const std::int32_t* positions,
                              const std::int32_t* query_start, const std::int32_t* tile_seq,
                              const std::int32_t* tile_start, std::int64_t num_tiles, bf16_t* out,
                              cudaStream_t stream) {
  if (num_tiles <= 0) return;
  const auto d = kv.head_dim;
  if (d <= 0 || d > 32 * detail::kMaxDimChunks || d % 2 != 0 || kv.kv_heads <= 0 || heads % kv.kv_heads != 0)
    check_cuda(cudaErrorInvalidValue, "attention_prefill: head_dim must be even and <= 256, heads % kv_heads == 0",
               __FILE__, __LINE__);
  const auto smem = static_cast<std::size_t>((kTileQ * d + 2 * kTileK * (d + 1)) * sizeof(float));
  if (smem > 48 * 1024)  // above the default limit: opt in (sm_80+: up to 163 KB)
    LLMCTL_CUDA_CHECK(cudaFuncSetAttribute(attention_prefill_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                           static_cast<int>(smem)));
  const dim3 grid(static_cast<unsigned>(num_tiles), static_cast<unsigned>(heads));
  attention_prefill_kernel<<<grid, kWarps * 32, smem, stream>>>(q, static_cast<int>(heads), kv, positions,
                                                                 query_start, tile_seq, tile_start, out);
  LLMCTL_CUDA_CHECK_LAUNCH("attention_prefill_kernel");
}

}  // namespace llmctl::cuda
