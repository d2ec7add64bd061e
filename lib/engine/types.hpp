// Small value types shared by every layer of the local inference engine
// (Engine -> Scheduler -> BlockManager -> ModelRunner -> Backend).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace llmctl::engine {

using TokenId = std::int32_t;
// Index of a KV cache block, [0, num_blocks). A block holds block_size tokens
// of K and V for every layer; slot = block * block_size + offset.
using BlockId = std::int32_t;

// Why a sequence ended (vLLM's FinishReason: "stop", "length", "abort").
enum class FinishReason { none, stop, length, abort };
const char* to_string(FinishReason reason);

// What stopped a sequence finished with FinishReason::stop: the stop token id
// from stop_token_ids, the stop string, or nothing (the EOS token), as vLLM's
// CompletionOutput.stop_reason.
using StopReason = std::variant<std::monostate, TokenId, std::string>;

// The OpenAI-style log probabilities of one sampled token.
struct TokenLogprobs {
  float logprob = 0.0f;   // of the sampled token
  // Number of vocabulary tokens whose logprob is >= the sampled token's
  // (vLLM's batched_count_greater_than: 1 for the most likely token; tied
  // tokens all count, so a tie ranks at its worst position).
  std::int64_t rank = 0;
  // The `top_logprobs` most likely tokens, most likely first.
  std::vector<std::pair<TokenId, float>> top;
};

// The sampler's answer for one sequence of a step.
struct SampledToken {
  TokenId token = 0;
  std::optional<TokenLogprobs> logprobs;  // when SamplingParams::logprobs is set
};

}  // namespace llmctl::engine
