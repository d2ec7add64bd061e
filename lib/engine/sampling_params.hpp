// Per-request sampling parameters with vLLM's semantics, defaults and
// validation messages (vllm/sampling_params.py), and the defaults a model's
// generation_config.json overrides (vLLM's ModelConfig.get_diff_sampling_param).
#pragma once

#include "engine/types.hpp"
#include "util/output.hpp"  // Json

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace llmctl::engine {

// Below this temperature sampling is greedy (vLLM's _SAMPLING_EPS).
inline constexpr double kSamplingEps = 1e-5;
// A positive temperature below this is raised to it: dividing logits by a
// smaller one overflows float32 (vLLM's _MAX_TEMP).
inline constexpr double kMinPositiveTemperature = 1e-2;

struct SamplingParams {
  // Outputs per prompt. The engine does not fork sequences: the server clones
  // a request with n > 1 into n requests (for_parallel_sample), as vLLM's
  // ParentRequest does, and gathers their outputs.
  std::int64_t n = 1;
  double presence_penalty = 0.0;    // [-2, 2], subtracted once per token seen in the output
  double frequency_penalty = 0.0;   // [-2, 2], subtracted per occurrence in the output
  double repetition_penalty = 1.0;  // > 0, tokens seen in prompt or output: logit / rp if > 0, else * rp
  double temperature = 1.0;         // [0, 2]; < kSamplingEps is greedy
  double top_p = 1.0;               // (0, 1]
  std::int64_t top_k = 0;           // 0 = every token (-1 is accepted and becomes 0)
  double min_p = 0.0;               // [0, 1], relative to the most likely token's probability
  std::optional<std::int64_t> seed; // -1 is accepted and means none
  std::vector<std::string> stop;    // stop strings (excluded from the text unless include_stop_str_in_output)
  std::vector<TokenId> stop_token_ids;
  bool include_stop_str_in_output = false;
  bool ignore_eos = false;
  // Most tokens to generate; none: until the context (max_model_len) is full,
  // which is what vLLM's OpenAI server does when max_tokens is omitted.
  std::optional<std::int64_t> max_tokens;
  std::int64_t min_tokens = 0;      // EOS and stop tokens are masked until this many are generated
  // Log probabilities per generated token: none, 0 (only the sampled
  // token's), k (also the k most likely), or -1 (the whole vocabulary).
  std::optional<std::int64_t> logprobs;
  bool skip_special_tokens = true;  // for the detokenizer the engine runs

  // Filled by set_eos_tokens. The EOS that ends generation (none with
  // ignore_eos), and every stop token id including all EOS ids even with
  // ignore_eos: the tokens min_tokens masks (vLLM's _all_stop_token_ids).
  std::optional<TokenId> eos_token_id;
  std::vector<TokenId> all_stop_token_ids;

  // vLLM's __post_init__: raises a temperature in (0, 1e-2) to 1e-2, maps
  // top_k -1 to 0 and seed -1 to none, drops duplicate stop_token_ids, checks
  // every range (usage Errors worded as vLLM's), and for greedy sampling
  // resets top_p, top_k and min_p (they cannot change an argmax).
  void verify_and_normalize();

  // vLLM's update_from_generation_config: the tokenizer's EOS ends generation
  // unless ignore_eos; generation_config.json's other eos_token_id values
  // become stop tokens (unless ignore_eos). All of them are masked by min_tokens.
  void set_eos_tokens(std::optional<TokenId> tokenizer_eos, std::span<const TokenId> generation_eos);

  bool greedy() const { return temperature < kSamplingEps; }

  // The parameters of the `index`-th of n parallel samples: n = 1 and, when a
  // seed is set, seed + index (so the samples differ but stay reproducible),
  // as vLLM's ParentRequest.get_child_info.
  SamplingParams for_parallel_sample(std::int64_t index) const;
};

// The sampling fields of generation_config.json that vLLM uses as defaults.
// Values equal to transformers' GenerationConfig defaults are not "set"
// (vLLM reads config.to_diff_dict()): in particular top_k 50 is ignored.
struct GenerationConfig {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::optional<double> min_p;
  std::optional<double> repetition_penalty;
  std::optional<std::int64_t> max_new_tokens;
  std::vector<TokenId> eos_token_ids;  // "eos_token_id": an int or a list
};

// Throws a runtime Error naming the key when a field has the wrong type.
GenerationConfig parse_generation_config(const Json& generation_config);

// vLLM's defaults with the generation config's values applied; a request then
// overrides the fields it sets, and calls verify_and_normalize().
SamplingParams default_sampling_params(const GenerationConfig& generation_config);

}  // namespace llmctl::engine
