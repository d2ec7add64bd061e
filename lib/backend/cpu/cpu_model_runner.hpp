// The CPU ModelRunner: a Qwen3 / Qwen2 / Llama / Mistral decoder forward pass
// (fp32 activations; weights fp32 or bf16 as ModelWeights holds them) over a
// paged KV cache it owns, per layer two fp32 arrays
// [num_blocks * block_size x kv_heads x head_dim] (K and V):
// num_blocks x block_size x layers x kv_heads x head_dim x 2 floats in all,
// in one lazily committed mapping (LazyBuffer). Sliding-window layers
// (config.layers[l].kind) attend to their window only.
//
// Per layer (transformers' *DecoderLayer):
//   a = rms_norm(x) ; q,k,v = a Wq^T (+bq), a Wk^T (+bk), a Wv^T (+bv)
//   Qwen3: q, k = per-head rms_norm(q), rms_norm(k)   (before RoPE)
//   q, k = rope(q), rope(k) ; write k, v at their slots (all tokens first)
//   x += attend(q) Wo^T
//   x += down(silu(gate(n)) * up(n)),  n = rms_norm(x)
// then logits = rms_norm(x) W_lm^T for the rows in logits_indices only.
// The runner keeps no per-sequence state: everything lives in the KV cache
// the block manager hands out, so preemption and prefix hits need nothing here.
#pragma once

#include "backend/cpu/attention.hpp"
#include "backend/cpu/kernels.hpp"
#include "backend/cpu/lazy_buffer.hpp"
#include "backend/cpu/ops.hpp"
#include "engine/model_runner.hpp"
#include "model/config.hpp"
#include "model/weights.hpp"

#include <cstdint>
#include <vector>

namespace llmctl::backend::cpu {

class CpuModelRunner : public engine::ModelRunner {
 public:
  // Usage Errors for a config the CPU backend cannot run (see expected_tensors),
  // or an `isa` this CPU lacks. Makes OpenBLAS single-threaded (ops.hpp).
  CpuModelRunner(ModelConfig config, ModelWeights weights, std::int64_t num_blocks, std::int64_t block_size,
                 Isa isa = detect_isa());

  std::int64_t vocab_size() const override { return static_cast<std::int64_t>(config_.vocab_size); }
  void execute(const engine::SchedulerOutput& plan, const engine::ModelBatch& batch, engine::Logits& out) override;

  // The forward pass alone (tests drive it without a scheduler).
  void forward(const engine::ModelBatch& batch, engine::Logits& out);

  const ModelConfig& config() const { return config_; }
  std::int64_t num_blocks() const { return num_blocks_; }
  std::int64_t block_size() const { return block_size_; }
  const Kernels& kernels() const { return kernels_; }
  std::int64_t weight_bytes() const { return weights_.bytes(); }

 private:
  struct Layer {
    const float *input_norm, *post_norm, *bq, *bk, *bv, *q_norm, *k_norm;
    WeightView wq, wk, wv, wo, gate, up, down;
    std::int64_t window;  // sliding window in tokens; 0: full attention
  };
  KvLayerView kv_view(std::size_t layer);

  ModelConfig config_;
  ModelWeights weights_;
  Kernels kernels_;
  std::int64_t num_blocks_, block_size_;
  std::int64_t hidden_, heads_, kv_heads_, head_dim_, inter_, vocab_;
  std::vector<Layer> layers_;
  std::vector<float> inv_freq_;
  LazyBuffer kv_;  // [layers x 2 (K, V) x slots x kv_heads x head_dim] fp32
};

}  // namespace llmctl::backend::cpu
