#include "backend/cpu/cpu_model_runner.hpp"

#include "backend/cpu/ops.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::backend::cpu {

CpuModelRunner::CpuModelRunner(ModelConfig config, ModelWeights weights, std::int64_t num_blocks,
                               std::int64_t block_size, Isa isa)
    : config_(std::move(config)),
      weights_(std::move(weights)),
      kernels_(select_kernels(isa)),
      num_blocks_(num_blocks),
      block_size_(block_size) {
  (void)expected_tensors(config_);  // rejects what this backend cannot run
  hidden_ = static_cast<std::int64_t>(config_.hidden_size);
  heads_ = static_cast<std::int64_t>(config_.num_attention_heads);
  kv_heads_ = static_cast<std::int64_t>(config_.num_key_value_heads);
  head_dim_ = static_cast<std::int64_t>(config_.head_dim);
  inter_ = static_cast<std::int64_t>(config_.intermediate_size);
  vocab_ = static_cast<std::int64_t>(config_.vocab_size);
  if (kv_heads_ <= 0 || heads_ % kv_heads_ != 0)
    throw usage_error(fmt::format("num_attention_heads {} is not a multiple of num_key_value_heads {}", heads_,
                                  kv_heads_));
  if (num_blocks <= 0 || block_size <= 0) throw usage_error("the KV cache needs at least one block of one token");
  inv_freq_ = rope_inv_freq(config_);
  blas_single_thread();
  // 1-D tensors (norms, biases) are always fp32 (weights.hpp).
  auto vec = [&](const std::string& name) { return weights_.get(name).data.data(); };
  auto opt = [&](const std::string& name) { return weights_.contains(name) ? vec(name) : nullptr; };
  auto mat = [&](const std::string& name) { return weight_view(weights_.get(name)); };
  for (std::uint64_t l = 0; l < config_.num_hidden_layers; ++l) {
    const std::string p = fmt::format("model.layers.{}.", l);
    Layer L{};
    L.input_norm = vec(p + "input_layernorm.weight");
    L.post_norm = vec(p + "post_attention_layernorm.weight");
    L.bq = opt(p + "self_attn.q_proj.bias");
    L.bk = opt(p + "self_attn.k_proj.bias");
    L.bv = opt(p + "self_attn.v_proj.bias");
    L.q_norm = opt(p + "self_attn.q_norm.weight");
    L.k_norm = opt(p + "self_attn.k_norm.weight");
    L.wq = mat(p + "self_attn.q_proj.weight");
    L.wk = mat(p + "self_attn.k_proj.weight");
    L.wv = mat(p + "self_attn.v_proj.weight");
    L.wo = mat(p + "self_attn.o_proj.weight");
    L.gate = mat(p + "mlp.gate_proj.weight");
    L.up = mat(p + "mlp.up_proj.weight");
    L.down = mat(p + "mlp.down_proj.weight");
    L.window = 0;
    if (l < config_.layers.size() && config_.layers[l].kind == AttentionKind::sliding)
      L.window = static_cast<std::int64_t>(config_.layers[l].window);
    else if (config_.layers.empty() && config_.sliding_window)
      L.window = static_cast<std::int64_t>(*config_.sliding_window);
    layers_.push_back(L);
  }
  const auto per_array = static_cast<std::size_t>(num_blocks * block_size * kv_heads_ * head_dim_);
  kv_ = LazyBuffer(static_cast<std::size_t>(config_.num_hidden_layers) * 2 * per_array * sizeof(float));
}

KvLayerView CpuModelRunner::kv_view(std::size_t layer) {
  const auto per_array = num_blocks_ * block_size_ * kv_heads_ * head_dim_;
  float* k = kv_.floats() + static_cast<std::int64_t>(2 * layer) * per_array;
  return {k, k + per_array, num_blocks_ * block_size_, kv_heads_, head_dim_};
}

void CpuModelRunner::execute(const engine::SchedulerOutput&, const engine::ModelBatch& batch, engine::Logits& out) {
  // No runner-side sequence state to drop for preempted/finished/new sequences.
  forward(batch, out);
}

void CpuModelRunner::forward(const engine::ModelBatch& batch, engine::Logits& out) {
  if (batch.block_size != block_size_)
    throw std::logic_error(fmt::format("CpuModelRunner: batch block size {} != cache block size {}",
                                       batch.block_size, block_size_));
  const std::int64_t T = batch.num_tokens(), qd = heads_ * head_dim_, kvd = kv_heads_ * head_dim_;
  const double eps = config_.rms_norm_eps;
  std::vector<float> x(static_cast<std::size_t>(T * hidden_)), a(x.size()), q(static_cast<std::size_t>(T * qd)),
      k(static_cast<std::size_t>(T * kvd)), v(k.size()), att(q.size()), gate(static_cast<std::size_t>(T * inter_)),
      up(gate.size());
  const Kernels& K = kernels_;
  embedding(K, batch.token_ids, weight_view(weights_.get("model.embed_tokens.weight")), vocab_, hidden_, x.data());
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& L = layers_[l];
    rms_norm(x.data(), T, hidden_, L.input_norm, eps, a.data());
    linear(K, a.data(), T, hidden_, L.wq, L.bq, qd, q.data());
    linear(K, a.data(), T, hidden_, L.wk, L.bk, kvd, k.data());
    linear(K, a.data(), T, hidden_, L.wv, L.bv, kvd, v.data());
    if (L.q_norm) rms_norm(q.data(), T * heads_, head_dim_, L.q_norm, eps, q.data());
    if (L.k_norm) rms_norm(k.data(), T * kv_heads_, head_dim_, L.k_norm, eps, k.data());
    apply_rope(q.data(), T, heads_, head_dim_, batch.positions, inv_freq_);
    apply_rope(k.data(), T, kv_heads_, head_dim_, batch.positions, inv_freq_);
    const KvLayerView cache = kv_view(l);
    write_kv(batch, k.data(), v.data(), cache);  // all tokens before any read
    attend(K, batch, q.data(), heads_, cache, L.window, att.data());
    linear(K, att.data(), T, qd, L.wo, nullptr, hidden_, a.data());
    add_inplace(x.data(), a.data(), T * hidden_);
    rms_norm(x.data(), T, hidden_, L.post_norm, eps, a.data());
    linear(K, a.data(), T, hidden_, L.gate, nullptr, inter_, gate.data());
    linear(K, a.data(), T, hidden_, L.up, nullptr, inter_, up.data());
    silu_mul(gate.data(), up.data(), T * inter_);
    linear(K, gate.data(), T, inter_, L.down, nullptr, hidden_, a.data());
    add_inplace(x.data(), a.data(), T * hidden_);
  }
  // Only the rows that become logits go through the final norm and lm_head.
  const auto R = static_cast<std::int64_t>(batch.logits_indices.size());
  std::vector<float> rows(static_cast<std::size_t>(R * hidden_));
  for (std::int64_t r = 0; r < R; ++r) {
    const std::int64_t t = batch.logits_indices[static_cast<std::size_t>(r)];
    std::copy(x.begin() + t * hidden_, x.begin() + (t + 1) * hidden_, rows.begin() + r * hidden_);
  }
  rms_norm(rows.data(), R, hidden_, weights_.get("model.norm.weight").data.data(), eps, rows.data());
  out.resize(R, vocab_);
  linear(K, rows.data(), R, hidden_, weight_view(weights_.lm_head()), nullptr, vocab_, out.values.data());
}

}  // namespace llmctl::backend::cpu
