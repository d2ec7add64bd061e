// The pre-tokenizer steps (internal to lib/text/tokenizer; the factory in
// pre_tokenizer.cpp builds them from tokenizer.json).
#pragma once

#include "text/tokenizer/pre_tokenizer.hpp"

#include <string>

namespace llmctl::tok {

// Partition of `text` by a character predicate (or, when `pred` is null, by
// equality with `only`): each matching character is its own matched span
// (HF's Pattern for Fn(char) -> bool and for char).
std::vector<Span> partition_chars(std::string_view text, bool (*pred)(char32_t), char32_t only);

// Digits, Punctuation, WhitespaceSplit and CharDelimiterSplit: a split on a
// character class with a fixed behaviour.
class CharClassSplit final : public PreTokenizer {
 public:
  CharClassSplit(bool (*pred)(char32_t), SplitBehavior behavior) : pred_(pred), behavior_(behavior) {}
  CharClassSplit(char32_t delimiter, SplitBehavior behavior) : delimiter_(delimiter), behavior_(behavior) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override;

 private:
  bool (*pred_)(char32_t) = nullptr;
  char32_t delimiter_ = 0;
  SplitBehavior behavior_;
};

class SplitPre final : public PreTokenizer {
 public:
  SplitPre(Regex pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override;
  void emit(Piece&& piece, PieceSink sink) const override;

 private:
  Regex pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

class ByteLevelPre final : public PreTokenizer {
 public:
  ByteLevelPre(bool add_prefix_space, bool use_regex, bool map_bytes);
  void pre_tokenize(std::vector<Piece>& pieces) const override;
  void emit(Piece&& piece, PieceSink sink) const override;
  bool is_identity() const override { return !add_prefix_space_ && !use_regex_ && !map_bytes_; }

 private:
  void add_prefix(Piece& piece) const;
  bool add_prefix_space_, use_regex_, map_bytes_;
  Regex gpt2_;  // GPT-2's own pattern, used when use_regex
};

enum class PrependScheme { always, first, never };

struct MetaspaceOptions {
  std::string replacement = "\xE2\x96\x81";  // U+2581 ▁
  PrependScheme prepend = PrependScheme::always;
  bool split = true;
};

class MetaspacePre final : public PreTokenizer {
 public:
  explicit MetaspacePre(MetaspaceOptions options) : options_(std::move(options)) {}
  void pre_tokenize(std::vector<Piece>& pieces) const override;

 private:
  MetaspaceOptions options_;
};

}  // namespace llmctl::tok
