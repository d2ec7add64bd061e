#include "sizing/kv_cache.hpp"

#include "sizing/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmctl {

KvCacheShape kv_cache_shape(const ModelConfig& c, const KvPrecision& precision, std::uint64_t tp, std::uint64_t pp,
                            std::uint64_t stage) {
  KvCacheShape s;
  s.precision = precision;
  s.tp = tp;
  s.mla = c.mla.has_value();
  if (s.mla) {
    // MLAAttentionSpec: num_kv_heads = 1, head_size = kv_lora_rank + qk_rope_head_dim;
    // the latent is replicated on every TP rank.
    s.kv_heads_per_rank = 1;
    s.head_size = c.mla->kv_lora_rank + c.mla->qk_rope_head_dim;
    s.per_layer_bytes_per_token = s.head_size * precision.bytes;
  } else {
    // FullAttentionSpec / SlidingWindowSpec: K and V, kv heads of this rank.
    s.kv_heads_per_rank = kv_heads_per_rank(c, tp);
    s.head_size = c.head_dim;
    s.per_layer_bytes_per_token = 2 * s.kv_heads_per_rank * s.head_size * precision.bytes;
  }
  const auto stages = pipeline_stages(c.num_hidden_layers, pp);
  const PipelineStage st = stages.at(std::min<std::uint64_t>(stage, pp - 1));
  for (std::uint64_t i = st.first; i < st.first + st.count; ++i) {
    const LayerAttention& layer = i < c.layers.size() ? c.layers[i] : LayerAttention{};
    if (layer.kind == AttentionKind::sliding && layer.window > 0) {
      ++s.sliding_layers;
      s.window = layer.window;
    } else {
      ++s.full_layers;
    }
  }
  return s;
}

std::uint64_t kv_sequence_bytes(const KvCacheShape& s, std::uint64_t tokens) {
  const std::uint64_t sliding_tokens = std::min(tokens, s.window);
  return s.per_layer_bytes_per_token * (s.full_layers * tokens + s.sliding_layers * sliding_tokens);
}

std::string kv_per_layer_formula(const KvCacheShape& s) {
  if (s.mla)
    return fmt::format("({} latent = kv_lora_rank + qk_rope_head_dim) x {} B", s.head_size, s.precision.bytes);
  return fmt::format("2 (K,V) x {} KV heads{} x {} head_dim x {} B", s.kv_heads_per_rank,
                     s.tp > 1 ? fmt::format(" per rank (tp {})", s.tp) : "", s.head_size, s.precision.bytes);
}

}  // namespace llmctl
