// Response bodies and stream events of the generation endpoints, in the
// shapes vLLM's OpenAI server sends (vllm/entrypoints/openai/protocol.py):
// chat.completion / chat.completion.chunk, text_completion, usage, logprobs,
// and Server-Sent Events framing ("data: {...}\n\n" ... "data: [DONE]\n\n").
#pragma once

#include "engine/types.hpp"
#include "util/output.hpp"  // Json

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::server {

// JSON text that never throws on invalid UTF-8 (replaced by U+FFFD): model
// output is bytes, and one bad token must not take a response down.
std::string dump(const Json& value);

std::string sse_event(const Json& value);   // "data: <json>\n\n"
inline const char* sse_done() { return "data: [DONE]\n\n"; }

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
};
Json usage_json(const Usage& usage);

const char* finish_reason_name(engine::FinishReason reason);  // "stop", "length", "abort"; none -> ""
Json finish_reason_json(engine::FinishReason reason);          // null while generating
// vLLM's stop_reason: null (EOS, length), the stop token id, or the stop string.
Json stop_reason_json(const engine::StopReason& reason);

// The text of one token for logprobs (vLLM decodes each id alone).
using TokenText = std::function<std::string(engine::TokenId)>;

// Chat: {"content": [{"token", "logprob", "bytes", "top_logprobs": [...]}, ...]}.
Json chat_logprobs_json(const std::vector<engine::TokenId>& tokens,
                        const std::vector<engine::TokenLogprobs>& logprobs, const TokenText& text);
// Completions: {"tokens", "token_logprobs", "top_logprobs" (dicts, sampled
// token included), "text_offset"}; offsets count bytes from `text_offset0`.
Json completion_logprobs_json(const std::vector<engine::TokenId>& tokens,
                              const std::vector<engine::TokenLogprobs>& logprobs, const TokenText& text,
                              std::int64_t text_offset0);

// The envelope every chunk/response shares: id, object, created, model.
Json envelope(const std::string& id, const char* object, std::int64_t created, const std::string& model);

// A chat message or delta: role, content, reasoning_content (only the
// fields that are set: a stream delta carries only what changed).
struct ChatDelta {
  std::optional<std::string> role;
  std::optional<std::string> content;
  std::optional<std::string> reasoning_content;
};
Json chat_delta_json(const ChatDelta& delta);

}  // namespace llmctl::server
