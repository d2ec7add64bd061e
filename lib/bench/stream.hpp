// Turns an OpenAI streaming response (SSE events of completion or
// chat.completion.chunk JSON) into the timings of one RequestResult, with
// vLLM's definitions:
//   TTFT = time of the first chunk whose choice carries text (completions:
//          choices[0].text; chat: delta.content, delta.reasoning_content or
//          delta.reasoning) minus the send time. A role-only or empty chunk
//          never counts.
//   ITL  = gaps between consecutive text-carrying chunks (one entry per chunk,
//          however many tokens it carries).
//   E2EL = time of the last text-carrying chunk minus the send time.
// The final usage chunk (stream_options.include_usage) gives the token counts.
#pragma once

#include "bench/request.hpp"
#include "bench/sse.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace llmctl::bench {

class StreamAccumulator {
 public:
  explicit StreamAccumulator(RequestResult& result) : result_(result) {}

  // Bytes of the response body received at time `now_s` (same clock as start_s).
  void on_bytes(std::string_view bytes, double now_s);
  // End of the body; returns false (and sets result.error) when the stream
  // was not a well-formed completion (no text and no [DONE], an error event).
  bool finish(double now_s);

  std::optional<std::int64_t> usage_completion_tokens;
  std::optional<std::int64_t> usage_prompt_tokens;
  bool done_seen = false;

 private:
  void on_event(std::string_view data, double now_s);

  RequestResult& result_;
  SseParser parser_;
  double last_token_s_ = 0.0;
  bool first_ = true;
  std::string stream_error_;
};

}  // namespace llmctl::bench
