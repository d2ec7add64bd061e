// KV cache bytes per token, per layer kind, as vLLM allocates them
// (vllm/v1/kv_cache_interface.py page_size_bytes / block_size):
//   full or sliding attention  2 x kv_heads_per_rank x head_dim x dtype_bytes   (K and V)
//   MLA (DeepSeek)             (kv_lora_rank + qk_rope_head_dim) x dtype_bytes  (one latent, no 2x)
// head_dim is the config's when given. A sliding-window layer keeps at most
// `window` tokens of each sequence.
#pragma once

#include "model/config.hpp"
#include "sizing/dtype.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl {

struct KvCacheShape {
  KvPrecision precision;
  bool mla = false;
  std::uint64_t tp = 1;
  std::uint64_t kv_heads_per_rank = 0;  // MLA: 1 latent "head"
  std::uint64_t head_size = 0;          // head_dim, or kv_lora_rank + qk_rope_head_dim
  std::uint64_t per_layer_bytes_per_token = 0;  // one layer, one token, one TP rank
  std::uint64_t full_layers = 0;                // in the pipeline stage described
  std::uint64_t sliding_layers = 0;
  std::uint64_t window = 0;                     // sliding window (tokens)

  std::uint64_t layers() const { return full_layers + sliding_layers; }
  // Every layer of the stage, one token: the "KV bytes per token" figure.
  std::uint64_t bytes_per_token() const { return layers() * per_layer_bytes_per_token; }
};

// The KV cache layout of pipeline stage `stage` of `pp`, on one of `tp` ranks.
KvCacheShape kv_cache_shape(const ModelConfig& config, const KvPrecision& precision, std::uint64_t tp = 1,
                            std::uint64_t pp = 1, std::uint64_t stage = 0);

// Bytes one sequence of `tokens` tokens holds: full layers keep every token,
// sliding layers at most `window`.
std::uint64_t kv_sequence_bytes(const KvCacheShape& shape, std::uint64_t tokens);

// The formula behind per_layer_bytes_per_token with the numbers substituted,
// e.g. "2 x 8 KV heads x 128 head_dim x 2 B".
std::string kv_per_layer_formula(const KvCacheShape& shape);

}  // namespace llmctl
