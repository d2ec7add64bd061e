// Separates a Qwen3-style model's reasoning (<think>...</think>) from its
// answer, as vLLM's Qwen3ReasoningParser does (vllm/reasoning/
// qwen3_reasoning_parser.py):
//   - a <think> in the output is dropped together with anything before it
//     (newer templates put <think> in the prompt, older models generate it);
//   - the first </think> splits reasoning from content;
//   - with thinking disabled and no </think>, everything is content;
//   - with thinking enabled and no </think>, the output was cut off inside
//     the thinking: everything is reasoning, unless a <tool_call> followed
//     (after whitespace) by <function= or <function<space> ends it
//     implicitly (Qwen3.5 style), in which case content starts at that tag.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmctl {

struct ReasoningSplit {
  std::optional<std::string> reasoning;  // nullopt where vLLM returns None
  std::optional<std::string> content;
};

// vLLM's extract_reasoning for a complete output.
ReasoningSplit split_reasoning(std::string_view output, bool thinking_enabled = true);

struct ReasoningDelta {
  std::string reasoning;
  std::string content;
  bool empty() const { return reasoning.empty() && content.empty(); }
};

// The same split over a stream of text deltas, cut anywhere (a tag may be
// split across deltas: its start is held back until it can be told apart).
// With thinking enabled, the concatenated deltas equal split_reasoning() of
// the whole output for every chunking, provided a <think>, if any, opens the
// output (as Qwen3 generates it). With thinking disabled every delta is
// content, as vLLM streams it (its non-streaming parser would still split at
// a stray </think>). A tentative implicit end at <tool_call> is held until
// </think> or the end of the stream decides it, since a later </think>
// takes precedence.
class ReasoningStream {
 public:
  explicit ReasoningStream(bool thinking_enabled = true) : thinking_enabled_(thinking_enabled) {}
  ReasoningDelta feed(std::string_view delta);
  ReasoningDelta finish();

 private:
  enum class State { start, reasoning, tool_call, content };
  void advance(ReasoningDelta& out, bool at_end);

  bool thinking_enabled_;
  State state_ = State::start;
  bool tool_call_decided_ = false;  // the first <tool_call> was not an implicit end
  std::string buffer_;              // received, not yet emitted
};

}  // namespace llmctl
