#include "bench/stream.hpp"

#include <nlohmann/json.hpp>

namespace llmctl::bench {

const char* to_string(TokenSource source) {
  switch (source) {
    case TokenSource::usage: return "usage";
    case TokenSource::tokenizer: return "tokenizer";
    case TokenSource::chunks: return "chunks";
    case TokenSource::none: break;
  }
  return "none";
}

namespace {

// Appends the string at `key` of `object` to `out`; true when it was non-empty.
bool append_text(const nlohmann::json& object, const char* key, std::string& out) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return false;
  const auto& text = it->get_ref<const std::string&>();
  out += text;
  return !text.empty();
}

}  // namespace

void StreamAccumulator::on_bytes(std::string_view bytes, double now_s) {
  parser_.feed(bytes, [&](std::string_view data) { on_event(data, now_s); });
}

void StreamAccumulator::on_event(std::string_view data, double now_s) {
  if (data == "[DONE]") {
    done_seen = true;
    return;
  }
  const auto chunk = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (chunk.is_discarded() || !chunk.is_object()) {
    if (stream_error_.empty()) stream_error_ = "malformed stream chunk: " + std::string(data.substr(0, 200));
    return;
  }
  if (const auto err = chunk.find("error"); err != chunk.end()) {
    stream_error_ = err->is_object() && err->contains("message") && (*err)["message"].is_string()
                        ? (*err)["message"].get<std::string>()
                        : err->dump();
    return;
  }
  bool has_text = false;
  if (const auto choices = chunk.find("choices"); choices != chunk.end() && choices->is_array() &&
                                                   !choices->empty() && (*choices)[0].is_object()) {
    const auto& choice = (*choices)[0];
    has_text |= append_text(choice, "text", result_.generated_text);
    if (const auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
      has_text |= append_text(*delta, "content", result_.generated_text);
      has_text |= append_text(*delta, "reasoning_content", result_.generated_text);
      has_text |= append_text(*delta, "reasoning", result_.generated_text);
    }
  }
  if (const auto usage = chunk.find("usage"); usage != chunk.end() && usage->is_object()) {
    if (const auto c = usage->find("completion_tokens"); c != usage->end() && c->is_number_integer())
      usage_completion_tokens = c->get<std::int64_t>();
    if (const auto p = usage->find("prompt_tokens"); p != usage->end() && p->is_number_integer())
      usage_prompt_tokens = p->get<std::int64_t>();
  }
  if (!has_text) return;
  ++result_.text_chunks;
  if (first_) {
    first_ = false;
    result_.ttft = now_s - result_.start_s;
  } else {
    result_.itl.push_back(now_s - last_token_s_);
  }
  last_token_s_ = now_s;
  result_.latency = now_s - result_.start_s;
}

bool StreamAccumulator::finish(double now_s) {
  parser_.finish([&](std::string_view data) { on_event(data, now_s); });
  if (!stream_error_.empty()) {
    result_.error = stream_error_;
    return false;
  }
  if (result_.text_chunks == 0 && !done_seen) {
    result_.error = "the stream ended without any text or [DONE]";
    return false;
  }
  if (result_.text_chunks == 0) result_.latency = now_s - result_.start_s;  // empty completion
  return true;
}

}  // namespace llmctl::bench
