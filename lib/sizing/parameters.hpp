// Exact parameter counts from a ModelConfig, component by component, as the
// checkpoint stores them (one number per weight/bias/norm element; quantized
// checkpoints are counted by their logical weights, not their packed storage).
#pragma once

#include "model/config.hpp"

#include <cstdint>

namespace llmctl {

// Parameter counts by component. Every component is summed over all layers.
struct ParameterBreakdown {
  std::uint64_t embedding = 0;    // input token embedding (vocab x hidden)
  std::uint64_t attention = 0;    // q/k/v/o (or MLA low-rank projections), biases, q/k norms, sinks
  std::uint64_t mlp = 0;          // dense MLP blocks (all layers of dense models; DeepSeek's first k)
  std::uint64_t moe_experts = 0;  // all routed experts, all resident in memory
  std::uint64_t moe_router = 0;   // router/gate weights and biases (+ DeepSeek e_score_correction_bias)
  std::uint64_t moe_shared = 0;   // shared (always-active) experts
  std::uint64_t norms = 0;        // per-layer norms (Gemma's four) and the final norm
  std::uint64_t lm_head = 0;      // output projection; 0 when tied to the embedding
  std::uint64_t vision = 0;       // vision tower + projector (Gemma 3 SigLIP); 0 when none is counted
  // DeepSeek-V3 multi-token-prediction module(s), as stored in the checkpoint
  // (a full decoder layer plus enorm/hnorm/eh_proj/shared_head and copies of the
  // embedding and output head). NOT part of `total`: vLLM, SGLang and
  // transformers skip these weights unless speculative decoding with MTP is
  // enabled, so they cost no memory in a normal deployment. total + mtp is the
  // checkpoint's size (671B + 14B = "685B" on the Hub for DeepSeek-V3).
  std::uint64_t mtp = 0;
  // Everything loaded for inference: the sum of the components above except mtp.
  std::uint64_t total = 0;
  // total - embedding - lm_head: Qwen's model-card "non-embedding" figure
  // (Qwen3-8B: 8.19B total, 6.95B non-embedding; for tied models only the
  // shared matrix is removed: Qwen3-1.7B 1.72B -> 1.41B).
  std::uint64_t non_embedding = 0;
  // Parameters used per token: total minus the routed experts a token does not
  // visit (num_experts - experts_per_token per MoE layer). Includes embedding
  // and lm_head, as Qwen's "activated" figure does (Qwen3-30B-A3B: 3.3B);
  // OpenAI's gpt-oss figure excludes the input embedding (active - embedding).
  std::uint64_t active = 0;
};

// Counts every parameter of the model described by `config`.
ParameterBreakdown count_parameters(const ModelConfig& config);

// The breakdown as JSON (stable snake_case names, exact integers).
Json parameters_to_json(const ParameterBreakdown& params);

}  // namespace llmctl
