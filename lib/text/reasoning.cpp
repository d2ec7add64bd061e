#include "text/reasoning.hpp"

#include "text/jinja/unicode.hpp"

namespace llmctl {

namespace {

constexpr std::string_view kThinkStart = "<think>";
constexpr std::string_view kThinkEnd = "</think>";
constexpr std::string_view kToolCall = "<tool_call>";
constexpr std::string_view kFunction = "<function";

// Python's str.lstrip() (Unicode whitespace).
std::string_view lstrip(std::string_view s) { return jinja::unicode::strip(s, true, false); }

// re.match(r"<function[\s=]", text.lstrip()) of vLLM's _RE_FUNCTION_OPEN.
bool function_opens(std::string_view after_tag) {
  const std::string_view s = lstrip(after_tag);
  if (s.size() <= kFunction.size() || s.substr(0, kFunction.size()) != kFunction) return false;
  std::size_t i = kFunction.size();
  if (s[i] == '=') return true;
  return jinja::unicode::is_space(jinja::unicode::next(s, i));
}

// Whether more text could still make `after_tag` open a function tag.
bool function_still_possible(std::string_view after_tag) {
  const std::string_view s = lstrip(after_tag);
  if (s.size() <= kFunction.size()) return kFunction.substr(0, s.size()) == s;
  return false;  // long enough to have been decided by function_opens
}

// Length of the longest suffix of `s` that is a proper prefix of `tag`.
std::size_t partial_tag_suffix(std::string_view s, std::string_view tag) {
  for (std::size_t n = std::min(s.size(), tag.size() - 1); n > 0; --n) {
    if (s.substr(s.size() - n) == tag.substr(0, n)) return n;
  }
  return 0;
}

}  // namespace

ReasoningSplit split_reasoning(std::string_view output, bool thinking_enabled) {
  if (const auto start = output.find(kThinkStart); start != std::string_view::npos) {
    output = output.substr(start + kThinkStart.size());
  }
  if (const auto end = output.find(kThinkEnd); end != std::string_view::npos) {
    ReasoningSplit r;
    r.reasoning = std::string(output.substr(0, end));
    const std::string_view content = output.substr(end + kThinkEnd.size());
    if (!content.empty()) r.content = std::string(content);
    return r;
  }
  if (!thinking_enabled) return {std::nullopt, std::string(output)};
  if (const auto tc = output.find(kToolCall); tc != std::string_view::npos) {
    if (function_opens(output.substr(tc + kToolCall.size()))) {
      ReasoningSplit r;
      if (tc > 0) r.reasoning = std::string(output.substr(0, tc));
      r.content = std::string(output.substr(tc));
      return r;
    }
  }
  return {std::string(output), std::nullopt};
}

void ReasoningStream::advance(ReasoningDelta& out, bool at_end) {
  for (;;) {
    switch (state_) {
      case State::start: {
        // Hold text that may still become the opening <think>.
        if (buffer_.size() < kThinkStart.size() && kThinkStart.substr(0, buffer_.size()) == buffer_) {
          if (!at_end) return;
          state_ = State::reasoning;
          continue;
        }
        if (buffer_.compare(0, kThinkStart.size(), kThinkStart) == 0) buffer_.erase(0, kThinkStart.size());
        state_ = State::reasoning;
        continue;
      }
      case State::reasoning: {
        const auto end = buffer_.find(kThinkEnd);
        const auto tc = tool_call_decided_ ? std::string::npos : buffer_.find(kToolCall);
        if (end != std::string::npos && (tc == std::string::npos || end < tc)) {
          out.reasoning += buffer_.substr(0, end);
          buffer_.erase(0, end + kThinkEnd.size());
          state_ = State::content;
          continue;
        }
        if (tc != std::string::npos) {
          out.reasoning += buffer_.substr(0, tc);
          buffer_.erase(0, tc);
          state_ = State::tool_call;
          continue;
        }
        // Emit all but a possible start of </think> or <tool_call>.
        std::size_t keep = at_end ? 0 : partial_tag_suffix(buffer_, kThinkEnd);
        if (!at_end && !tool_call_decided_) keep = std::max(keep, partial_tag_suffix(buffer_, kToolCall));
        out.reasoning += buffer_.substr(0, buffer_.size() - keep);
        buffer_.erase(0, buffer_.size() - keep);
        return;
      }
      case State::tool_call: {
        // buffer_ starts with the first <tool_call>. A later </think> wins;
        // else the end of the stream decides between content and reasoning.
        if (const auto end = buffer_.find(kThinkEnd); end != std::string::npos) {
          out.reasoning += buffer_.substr(0, end);
          buffer_.erase(0, end + kThinkEnd.size());
          state_ = State::content;
          continue;
        }
        const std::string_view after = std::string_view(buffer_).substr(kToolCall.size());
        if (!function_opens(after) && !function_still_possible(after)) {
          tool_call_decided_ = true;  // not an implicit end; later tags are not looked at
          state_ = State::reasoning;
          continue;
        }
        if (!at_end) return;
        if (function_opens(after)) {
          out.content += buffer_;
        } else {
          out.reasoning += buffer_;
        }
        buffer_.clear();
        return;
      }
      case State::content:
        out.content += buffer_;
        buffer_.clear();
        return;
    }
  }
}

ReasoningDelta ReasoningStream::feed(std::string_view delta) {
  ReasoningDelta out;
  if (!thinking_enabled_) {
    out.content = std::string(delta);
    return out;
  }
  buffer_ += delta;
  advance(out, false);
  return out;
}

ReasoningDelta ReasoningStream::finish() {
  ReasoningDelta out;
  if (thinking_enabled_) advance(out, true);
  return out;
}

}  // namespace llmctl
