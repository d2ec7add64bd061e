// Incremental detokenization for streaming generation: turns ids arriving one
// at a time into text deltas whose concatenation is the decoded text, never
// ending a delta inside a UTF-8 character or a byte-fallback sequence (the
// vLLM / HF DecodeStream scheme: decode a short window of recent ids twice,
// with and without the newest ones, and emit the difference once the window's
// text no longer ends in U+FFFD).
#pragma once

#include "text/tokenizer/tokenizer.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace llmctl::tok {

class IncrementalDetokenizer {
 public:
  // `context` are ids already shown (e.g. the prompt's last few); they give
  // decoders that look at neighbours (SentencePiece's leading space) the
  // same view as a full decode, and are never emitted.
  explicit IncrementalDetokenizer(const Tokenizer& tokenizer, bool skip_special_tokens = false,
                                  std::span<const std::uint32_t> context = {});

  // Adds one id; returns the text it completes (often "", e.g. mid-character).
  std::string step(std::uint32_t id);
  // At the end of generation: whatever is still held back (an unfinished
  // character then shows as U+FFFD, as a full decode would show it).
  std::string finish();

 private:
  std::string decode_range(std::size_t from, std::size_t to) const;

  const Tokenizer* tokenizer_;
  bool skip_special_;
  std::vector<std::uint32_t> ids_;
  std::size_t prefix_offset_ = 0;  // start of the decode window
  std::size_t read_offset_ = 0;    // ids before this have been emitted
};

}  // namespace llmctl::tok
