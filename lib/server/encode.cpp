#include "server/encode.hpp"

#include <cmath>
#include <limits>

namespace llmctl::server {

std::string dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string sse_event(const Json& value) { return "data: " + dump(value) + "\n\n"; }

Json usage_json(const Usage& usage) {
  Json u = Json::object();
  u["prompt_tokens"] = usage.prompt_tokens;
  u["total_tokens"] = usage.prompt_tokens + usage.completion_tokens;
  u["completion_tokens"] = usage.completion_tokens;
  u["prompt_tokens_details"] = nullptr;
  return u;
}

const char* finish_reason_name(engine::FinishReason reason) {
  switch (reason) {
    case engine::FinishReason::stop: return "stop";
    case engine::FinishReason::length: return "length";
    case engine::FinishReason::abort: return "abort";
    case engine::FinishReason::none: break;
  }
  return "";
}

Json finish_reason_json(engine::FinishReason reason) {
  if (reason == engine::FinishReason::none) return nullptr;
  return finish_reason_name(reason);
}

Json stop_reason_json(const engine::StopReason& reason) {
  if (const auto* id = std::get_if<engine::TokenId>(&reason)) return *id;
  if (const auto* text = std::get_if<std::string>(&reason)) return *text;
  return nullptr;
}

namespace {

// JSON has no -inf: a logprob of an impossible token is sent as the most
// negative float, as vLLM clamps it (max(logprob, -9999.0)).
double finite_logprob(float value) { return std::isfinite(value) ? static_cast<double>(value) : -9999.0; }

Json bytes_of(const std::string& text) {
  Json bytes = Json::array();
  for (const unsigned char c : text) bytes.push_back(static_cast<int>(c));
  return bytes;
}

}  // namespace

Json chat_logprobs_json(const std::vector<engine::TokenId>& tokens,
                        const std::vector<engine::TokenLogprobs>& logprobs, const TokenText& text) {
  Json content = Json::array();
  for (std::size_t i = 0; i < tokens.size() && i < logprobs.size(); ++i) {
    const std::string token = text(tokens[i]);
    Json entry = Json::object();
    entry["token"] = token;
    entry["logprob"] = finite_logprob(logprobs[i].logprob);
    entry["bytes"] = bytes_of(token);
    Json top = Json::array();
    for (const auto& [id, lp] : logprobs[i].top) {
      const std::string t = text(id);
      Json alt = Json::object();
      alt["token"] = t;
      alt["logprob"] = finite_logprob(lp);
      alt["bytes"] = bytes_of(t);
      top.push_back(std::move(alt));
    }
    entry["top_logprobs"] = std::move(top);
    content.push_back(std::move(entry));
  }
  Json out = Json::object();
  out["content"] = std::move(content);
  return out;
}

Json completion_logprobs_json(const std::vector<engine::TokenId>& tokens,
                              const std::vector<engine::TokenLogprobs>& logprobs, const TokenText& text,
                              std::int64_t text_offset0) {
  Json out = Json::object();
  Json token_strs = Json::array(), token_lps = Json::array(), tops = Json::array(), offsets = Json::array();
  std::int64_t offset = text_offset0;
  for (std::size_t i = 0; i < tokens.size() && i < logprobs.size(); ++i) {
    const std::string token = text(tokens[i]);
    token_strs.push_back(token);
    token_lps.push_back(finite_logprob(logprobs[i].logprob));
    offsets.push_back(offset);
    offset += static_cast<std::int64_t>(token.size());
    // The legacy API returns the sampled token's logprob among the top ones
    // ("up to logprobs + 1 elements").
    Json top = Json::object();
    for (const auto& [id, lp] : logprobs[i].top) top[text(id)] = finite_logprob(lp);
    if (!top.contains(token)) top[token] = finite_logprob(logprobs[i].logprob);
    tops.push_back(std::move(top));
  }
  out["text_offset"] = std::move(offsets);
  out["token_logprobs"] = std::move(token_lps);
  out["tokens"] = std::move(token_strs);
  out["top_logprobs"] = std::move(tops);
  return out;
}

Json envelope(const std::string& id, const char* object, std::int64_t created, const std::string& model) {
  Json out = Json::object();
  out["id"] = id;
  out["object"] = object;
  out["created"] = created;
  out["model"] = model;
  return out;
}

Json chat_delta_json(const ChatDelta& delta) {
  Json out = Json::object();
  if (delta.role) out["role"] = *delta.role;
  if (delta.content) out["content"] = *delta.content;
  if (delta.reasoning_content) out["reasoning_content"] = *delta.reasoning_content;
  return out;
}

}  // namespace llmctl::server
