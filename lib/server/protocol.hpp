// The two generation endpoints' request bodies (vLLM's ChatCompletionRequest
// and CompletionRequest), parsed and type-checked into one GenerateRequest,
// and turned into the engine's SamplingParams with vLLM's defaults and
// messages. Fields vLLM accepts but the engine has no use for (user,
// logit_bias, response_format, ...) are ignored, as are unknown fields.
#pragma once

#include "engine/sampling_params.hpp"
#include "engine/types.hpp"
#include "util/output.hpp"  // Json

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::server {

enum class Endpoint { chat, completion };

// One completions prompt: text, or token ids.
struct PromptInput {
  std::optional<std::string> text;
  std::vector<engine::TokenId> ids;
};

// The request's sampling fields, each only when the body sets it.
struct SamplingFields {
  std::optional<double> temperature, top_p, min_p, presence_penalty, frequency_penalty, repetition_penalty;
  std::optional<std::int64_t> top_k, seed, min_tokens, max_tokens;
  std::optional<std::vector<std::string>> stop;
  std::optional<std::vector<std::int64_t>> stop_token_ids;
  std::optional<bool> ignore_eos, skip_special_tokens, include_stop_str_in_output;
};

struct GenerateRequest {
  Endpoint endpoint = Endpoint::chat;
  std::optional<std::string> model;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  std::int64_t n = 1;
  SamplingFields sampling;
  // Top log probabilities per token: none (logprobs off), 0 (the sampled
  // token's only), k. Chat: logprobs=true + top_logprobs; completions: logprobs=k.
  std::optional<std::int64_t> logprobs;

  // chat
  Json messages = Json::array();  // content parts flattened to strings
  Json tools = nullptr;
  bool add_generation_prompt = true;
  bool continue_final_message = false;
  Json chat_template_kwargs = Json::object();

  // completions
  std::vector<PromptInput> prompts;
  bool echo = false;

  // Whether to add the tokenizer's BOS/EOS around the prompt: the chat
  // template already has them (vLLM: false for chat, true for completions).
  bool add_special_tokens = false;
};

// Most choices one request may ask for (n); OpenAI's limit.
inline constexpr std::int64_t kMaxChoices = 128;
// Most top log probabilities per token (vLLM's default max_logprobs).
inline constexpr std::int64_t kMaxLogprobs = 20;

// 400 ApiErrors for wrong types, missing fields and out-of-range values.
GenerateRequest parse_chat_request(const Json& body);
GenerateRequest parse_completion_request(const Json& body);

// The messages' content as the chat template sees it: a string, text parts
// joined with "\n" (vLLM's "string" content format). 400 for other parts.
Json normalize_messages(const Json& messages);

// vLLM's get_max_tokens and _validate_input: the completion's token budget
// for a prompt of `prompt_tokens`. 400 with vLLM's message when the prompt
// plus the requested completion exceed max_model_len.
std::int64_t resolve_max_tokens(const GenerateRequest& request, std::int64_t prompt_tokens,
                                std::int64_t max_model_len, std::optional<std::int64_t> default_max_tokens);

// The request's fields over the server's defaults (generation_config.json),
// then vLLM's normalization and range checks (their messages as 400s). EOS
// ids are not set here (ModelSession::finish_params does it).
engine::SamplingParams apply_sampling_fields(const GenerateRequest& request, engine::SamplingParams defaults,
                                             std::int64_t max_tokens);

}  // namespace llmctl::server
