// Host launchers of the CUDA kernels (one .cu per concept, each opening with
// its formula, shapes and layout). Plain C++17 with no CUDA device types so
// host code compiled by g++ can call them: bf16 tensors are passed as their
// 16-bit patterns (bf16_t), everything lives in device memory unless noted,
// and every launcher computes its grid, launches on `stream` and checks the
// launch (LLMCTL_CUDA_CHECK_LAUNCH). Row-major throughout.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace llmctl::cuda {

using bf16_t = std::uint16_t;  // bfloat16 bit pattern (__nv_bfloat16 on the device)

// ---- embedding.cu ---------------------------------------------------------
// residual[t, :] = float(table[ids[t], :]); ids outside [0, vocab) give a zero
// row (the runner validates ids on the host first).
void launch_embedding(const std::int32_t* ids, std::int64_t tokens, const bf16_t* table, std::int64_t vocab,
                      std::int64_t dim, float* residual, cudaStream_t stream);
// dst[r, :] = src[rows[r], :] for r < n (bf16 rows of `dim`).
void launch_gather_rows(const bf16_t* src, const std::int32_t* rows, std::int64_t n, std::int64_t dim, bf16_t* dst,
                        cudaStream_t stream);

// ---- rms_norm.cu ----------------------------------------------------------
// residual[r] += float(add[r]) (when add != nullptr), then
// out[r] = bf16(w * residual[r] / sqrt(mean(residual[r]^2) + eps)).
void launch_add_rms_norm(float* residual, const bf16_t* add, const bf16_t* weight, std::int64_t rows,
                         std::int64_t dim, float eps, bf16_t* out, cudaStream_t stream);

// ---- qk_norm_rope_kv.cu ---------------------------------------------------
struct QkvLayout {
  std::int64_t tokens = 0;
  std::int64_t heads = 0;     // query heads
  std::int64_t kv_heads = 0;
  std::int64_t head_dim = 0;  // even, <= 256
};
// qkv[t] = [q (heads x d) | k (kv_heads x d) | v (kv_heads x d)] (the fused
// projection's output). Adds the biases (Qwen2), applies the per-head RMSNorm
// of Qwen3 (q_norm/k_norm may be null), rotates q and k (NeoX, angle
// pos * inv_freq[i]), writes q to q_out [tokens x heads x d] and k, v at
// slot_mapping[t] of the layer's cache [num_slots x kv_heads x d] (slot < 0: not written).
void launch_qk_norm_rope_kv(const bf16_t* qkv, bf16_t* q_out, const QkvLayout& layout, const bf16_t* q_bias, const bf16_t* k_bias,
                            const bf16_t* v_bias, const bf16_t* q_norm, const bf16_t* k_norm, float eps,
                            const float* inv_freq, const std::int32_t* positions, const std::int64_t* slot_mapping,
                            bf16_t* k_cache, bf16_t* v_cache, cudaStream_t stream);

// ---- silu_mul.cu ----------------------------------------------------------
// out[t, i] = silu(gate_up[t, i]) * gate_up[t, I + i], gate_up [tokens x 2I].
void launch_silu_mul(const bf16_t* gate_up, std::int64_t tokens, std::int64_t inter, bf16_t* out,
                     cudaStream_t stream);

// ---- attention (attention_prefill.cu, attention_decode.cu) ----------------
struct PagedKv {
  const bf16_t* k = nullptr;  // [num_slots x kv_heads x head_dim], slot = block * block_size + offset
  const bf16_t* v = nullptr;
  std::int64_t kv_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t block_size = 0;
  const std::int32_t* block_tables = nullptr;  // [num_seqs x max_blocks_per_seq]
  std::int64_t max_blocks_per_seq = 0;
};

// Prefill (and mixed batches): query tiles of kPrefillTileQ tokens of one
// sequence each, tile_seq[i] / tile_start[i] its sequence and first token.
inline constexpr std::int64_t kPrefillTileQ = 16;
void launch_attention_prefill(const bf16_t* q, std::int64_t heads, const PagedKv& kv, const std::int32_t* positions,
                              const std::int32_t* query_start, const std::int32_t* tile_seq,
                              const std::int32_t* tile_start, std::int64_t num_tiles, bf16_t* out,
                              cudaStream_t stream);

// Decode: one query token per sequence (token i of q is sequence i), keys
// [0, seq_lens[i]); split-K over partitions of kDecodePartition keys, then a
// reduce. `num_partitions` >= ceil(max seq_len / kDecodePartition); the
// scratch holds num_seqs x heads x num_partitions x (head_dim + 2) floats.
inline constexpr std::int64_t kDecodePartition = 512;
std::int64_t decode_scratch_floats(std::int64_t num_seqs, std::int64_t heads, std::int64_t head_dim,
                                   std::int64_t num_partitions);
void launch_attention_decode(const bf16_t* q, std::int64_t num_seqs, std::int64_t heads, const PagedKv& kv,
                             const std::int32_t* seq_lens, std::int64_t num_partitions, float* scratch, bf16_t* out,
                             cudaStream_t stream);

// ---- sampling.cu ----------------------------------------------------------
// Per row of logits: engine::Sampler's steps (sampler.hpp) on the device.
struct SampleRowParams {
  float temperature = 1.0f;  // < 1e-5: greedy
  float top_p = 1.0f;
  float min_p = 0.0f;
  std::int32_t top_k = 0;            // 0: off
  float repetition_penalty = 1.0f;
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  std::int32_t penalty_begin = 0;    // [begin, end) of the penalty entries
  std::int32_t penalty_end = 0;
  std::int32_t masked_begin = 0;     // [begin, end) of the min_tokens-masked ids
  std::int32_t masked_end = 0;
  std::int32_t num_top_logprobs = -1;  // -1: no logprobs; else the k most likely too (<= kMaxTopLogprobs)
  std::uint64_t key = 0;             // Philox key
  std::uint64_t counter = 0;         // tokens generated so far
};
// One token a penalty applies to: its output count and whether it occurs in
// the prompt or output (repetition penalty).
struct PenaltyEntry {
  std::int32_t token = 0;
  std::int32_t output_count = 0;
};
inline constexpr std::int32_t kMaxTopLogprobs = 32;
struct SampleRowResult {
  std::int32_t token = 0;
  float logprob = 0.0f;
  std::int64_t rank = 0;
  std::int32_t top_ids[kMaxTopLogprobs];
  float top_logprobs[kMaxTopLogprobs];
};
// logits [rows x vocab] fp32 (read only); work [rows x vocab] scratch.
void launch_sample(const float* logits, std::int64_t rows, std::int64_t vocab, const SampleRowParams* params,
                   const PenaltyEntry* penalties, const std::int32_t* masked_ids, float* work,
                   SampleRowResult* results, cudaStream_t stream);

}  // namespace llmctl::cuda
