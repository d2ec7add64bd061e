// Stop strings over streamed text (vLLM's check_stop_strings and the text
// its detokenizer holds back). The engine detokenizes each new token and
// feeds the text delta here; the matcher says what may be shown now and
// whether a stop string has ended the generation.
//
// Matching is on bytes of UTF-8 text, across token boundaries (the text
// accumulates). The stop string that COMPLETES first wins (ties: the earlier
// in the list), exactly what feeding the text one character at a time would
// find, so the result never depends on how tokens split the text. The
// output is truncated before the stop string, or after it with
// include_stop_str_in_output.
//
// Held-back text: a tail of the text that is a proper prefix of some stop
// string ("Hel" with stop "Hello") could still become a stop string, which
// would be cut; it is released once the next text shows it does not (or at
// the end). Only that tail is held, not vLLM's fixed max(len(stop)) - 1
// characters, so streaming stalls only when a stop string may be starting;
// the final text is the same. Nothing is held with include_stop_str_in_output
// (the text before a stop string is kept whatever follows).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::engine {

class StopStringMatcher {
 public:
  StopStringMatcher(std::vector<std::string> stops, bool include_stop_in_output);

  struct Result {
    std::string text;                 // text that may be shown now (a delta)
    std::optional<std::size_t> stop;  // index in stops() of the string that ended the generation
  };

  // Appends a text delta. With may_stop false (min_tokens not reached) no
  // stop string can end the generation with this text; a stop string that
  // started in it and completes in a later delta still can. After a stop,
  // further deltas are ignored.
  Result feed(std::string_view delta, bool may_stop = true);

  // The generation ended another way (EOS, length, abort): releases the
  // held-back text.
  std::string flush();

  const std::vector<std::string>& stops() const { return stops_; }
  // The output text so far: truncated at the stop once stopped.
  const std::string& text() const { return text_; }
  std::size_t released() const { return released_; }
  bool stopped() const { return stopped_; }

 private:
  // Length of the longest tail of text_ that is a proper prefix of a stop string.
  std::size_t pending_prefix_length() const;

  std::vector<std::string> stops_;
  bool include_stop_;
  std::string text_;
  std::size_t released_ = 0;
  bool stopped_ = false;
};

}  // namespace llmctl::engine
