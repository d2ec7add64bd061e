// Incremental Server-Sent Events parser (the text/event-stream framing of the
// WHATWG HTML spec, as OpenAI-compatible servers stream completions): bytes go
// in as the network delivers them, split anywhere, and each complete event's
// `data` comes out. Lines end in \n, \r\n or \r; an empty line ends an event;
// multiple data lines join with \n; comments (":") and other fields are ignored.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace llmctl::bench {

class SseParser {
 public:
  // Called once per complete event that carried at least one data line.
  using OnData = std::function<void(std::string_view data)>;

  // Feeds the next bytes; calls on_data for every event they complete.
  void feed(std::string_view bytes, const OnData& on_data);
  // End of stream: an event without its closing blank line is still delivered
  // (servers that close right after the last data line).
  void finish(const OnData& on_data);

 private:
  void line(std::string_view text, const OnData& on_data);
  void dispatch(const OnData& on_data);

  std::string pending_;      // bytes of an unfinished line
  std::string data_;         // data lines of the current event, joined by \n
  bool has_data_ = false;
  bool after_cr_ = false;    // the previous byte was \r (a following \n belongs to it)
};

}  // namespace llmctl::bench
