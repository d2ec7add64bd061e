// GQA attention over the paged KV cache, fp32, as transformers' eager
// attention: softmax(q k^T * head_dim^-1/2 + causal mask) v, the softmax in
// fp32. A sliding-window layer (Mistral / Qwen2 `sliding_window` W) masks
// keys more than W - 1 positions back: query at p sees keys
// max(0, p - W + 1) .. p (transformers' kv_idx > q_idx - W). One layer's cache is two arrays [num_slots x kv_heads x head_dim]
// (K and V), slot = block_table[pos / B] * B + pos % B (ModelBatch).
#pragma once

#include "backend/cpu/kernels.hpp"
#include "engine/model_runner.hpp"

#include <cstdint>

namespace llmctl::backend::cpu {

struct KvLayerView {
  float* k = nullptr;  // [num_slots x kv_heads x head_dim]
  float* v = nullptr;
  std::int64_t num_slots = 0;
  std::int64_t kv_heads = 0;
  std::int64_t head_dim = 0;
};

// Stores every token's k/v rows ([tokens x kv_heads x head_dim]) at its slot.
// Called for the whole batch before attend() reads (the ModelRunner
// contract: a prefix-cache hit may read a block this batch fills).
void write_kv(const engine::ModelBatch& batch, const float* k, const float* v, const KvLayerView& cache);

// out[t x heads x head_dim]: query token t of sequence i (position p) attends
// to positions 0..p of that sequence (window > 0: the last `window` of them)
// through its block table; query head h reads KV head h / (heads / kv_heads) (GQA).
void attend(const Kernels& kernels, const engine::ModelBatch& batch, const float* q, std::int64_t heads,
            const KvLayerView& cache, std::int64_t window, float* out);

}  // namespace llmctl::backend::cpu
