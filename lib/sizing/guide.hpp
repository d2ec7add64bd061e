// The deployment guide's sizing method, reproduced exactly (with its
// rounding), so `llmctl size --guide` can show it beside the exact method:
//   weights      = parameters in billions, rounded to 0.1, x 2 bytes    -> "GiB"
//   activations  = 25% of the weights
//   KV per token = 2 x 2 bytes x layers x hidden_size / 10^6, rounded to 0.1 -> "MB"
//   KV cache     = KV per token x context / 1000, rounded to 0.1          -> "GiB"
//   total        = weights + activations + KV cache
// Qwen3-1.7B at 8192 tokens: 3.4 + 0.85 + 1.6 = 5.85 GiB. The guide's "GiB"
// are decimal GB computed from rounded inputs; they are printed as it wrote them.
#pragma once

#include "model/config.hpp"
#include "sizing/parameters.hpp"

#include <cstdint>
#include <string>

namespace llmctl {

struct GuideEstimate {
  std::uint64_t context = 0;
  double params_billions = 0;    // rounded to 0.1
  double weights_gib = 0;        // as the guide writes it
  double activations_gib = 0;
  std::uint64_t kv_bytes_per_token = 0;  // 2 x 2 x layers x hidden (before rounding)
  double kv_mb_per_token = 0;    // rounded to 0.1
  double kv_gib = 0;             // rounded to 0.1
  double total_gib = 0;
  std::string why;               // one line: why the exact method differs
};

// `exact_kv_bytes_per_token` is the model's real figure (KV heads x head_dim),
// for the explanation line.
GuideEstimate guide_estimate(const ModelConfig& config, const ParameterBreakdown& params, std::uint64_t context,
                             std::uint64_t exact_kv_bytes_per_token);

}  // namespace llmctl
