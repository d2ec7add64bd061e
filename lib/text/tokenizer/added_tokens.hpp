// Added tokens (tokenizer.json "added_tokens"), special or not, found in the
// text before the model runs: non-normalized ones in the raw input,
// normalized ones in each normalized piece, leftmost-longest like HF's
// Aho-Corasick matcher, with the single_word, lstrip and rstrip rules of
// HF's AddedVocabulary::find_matches.
#pragma once

#include "text/tokenizer/normalizer.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::tok {

struct AddedToken {
  std::uint32_t id = 0;
  std::string content;
  bool special = false;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
};

// A stretch of text, or an added token (id >= 0) standing for it.
struct Segment {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::int64_t id = -1;
};

// Leftmost-longest multi-pattern matcher over bytes (a trie walked from each
// candidate start; added-token sets are small and their first bytes rare).
class PatternSet {
 public:
  void add(std::string_view pattern, std::size_t index);
  bool empty() const { return count_ == 0; }
  // Non-overlapping matches: at the leftmost position where some pattern
  // matches, the longest one; then scanning resumes after it.
  struct Match {
    std::size_t begin, end, index;
  };
  std::vector<Match> find_all(std::string_view text) const;

 private:
  struct Node {
    std::vector<std::pair<unsigned char, std::uint32_t>> children;  // sorted by byte
    std::int64_t terminal = -1;
  };
  std::vector<Node> nodes_{Node{}};
  bool first_byte_[256] = {};
  std::size_t count_ = 0;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // `normalizer` (may be null) turns normalized tokens' content into the
  // form they are matched in.
  AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer);

  // Splits `text` at the added tokens of one set (normalized=false tokens for
  // the raw input, normalized=true ones for normalized pieces). The segments
  // cover the text; an empty text gives no segment.
  void split(std::string_view text, bool normalized_set, std::vector<Segment>& out) const;
  bool has_tokens(bool normalized_set) const { return !(normalized_set ? normalized_ : raw_).empty(); }

  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  std::vector<AddedToken> tokens_;
  PatternSet raw_, normalized_;  // pattern index = position in tokens_
};

}  // namespace llmctl::tok
