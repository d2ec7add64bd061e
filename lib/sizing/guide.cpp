#include "sizing/guide.hpp"

#include "sizing/vllm.hpp"

#include <fmt/format.h>

#include <cmath>

namespace llmctl {

namespace {

double round1(double x) { return std::round(x * 10.0) / 10.0; }

}  // namespace

GuideEstimate guide_estimate(const ModelConfig& c, const ParameterBreakdown& params, std::uint64_t context,
                             std::uint64_t exact_kv) {
  GuideEstimate g;
  g.context = context;
  g.params_billions = round1(static_cast<double>(params.total) / 1e9);
  g.weights_gib = g.params_billions * 2.0;
  g.activations_gib = 0.25 * g.weights_gib;
  g.kv_bytes_per_token = 2ull * 2ull * c.num_hidden_layers * c.hidden_size;
  g.kv_mb_per_token = round1(static_cast<double>(g.kv_bytes_per_token) / 1e6);
  g.kv_gib = round1(g.kv_mb_per_token * static_cast<double>(context) / 1000.0);
  g.total_gib = g.weights_gib + g.activations_gib + g.kv_gib;

  const std::uint64_t kv_width = c.mla ? c.mla->kv_lora_rank + c.mla->qk_rope_head_dim
                                       : c.num_key_value_heads * c.head_dim;
  std::string kv_reason;
  if (c.mla)
    kv_reason = fmt::format("the model stores one {}-value MLA latent per layer instead of K and V of the hidden size", kv_width);
  else if (kv_width != c.hidden_size)
    kv_reason = fmt::format("the model uses grouped-query attention, {} KV heads x {} = {} values per layer for K and for V instead of the hidden size {}",
                            c.num_key_value_heads, c.head_dim, kv_width, c.hidden_size);
  else
    kv_reason = "its KV width equals the hidden size, so the KV formula agrees";
  g.why = fmt::format(
      "The guide sizes the KV cache from the hidden size ({} B/token), but {}: {} B/token{}; it also rounds "
      "{} parameters to {:.1f}B, reads MB and GB as GiB, and takes activations as a flat 25% of the weights.",
      with_commas(g.kv_bytes_per_token), kv_reason, with_commas(exact_kv),
      g.kv_bytes_per_token == 2 * exact_kv ? ", half of the guide's" : "", with_commas(params.total), g.params_billions);
  return g;
}

}  // namespace llmctl
