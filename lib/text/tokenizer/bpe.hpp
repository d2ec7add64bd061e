// The BPE model of tokenizer.json ("model": {"type": "BPE"}): vocabulary,
// ranked merges, unk/fuse_unk, byte_fallback (<0xXX> tokens),
// continuing_subword_prefix, end_of_word_suffix and ignore_merges, as HF
// `tokenizers`' models/bpe does it, with a per-word merge cache.
#pragma once

#include "text/tokenizer/merge_cache.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llmctl::tok {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using Vocab = std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>;

class BpeModel {
 public:
  // `spec` is the "model" object. In byte mode (see byte_mode_possible) words
  // arrive as raw bytes instead of byte-level characters.
  BpeModel(const nlohmann::json& spec, bool byte_mode);

  // Whether the byte-level fast path can stand in for the ByteLevel mapping:
  // every byte's character is a token and nothing is glued to symbols.
  static bool byte_mode_possible(const nlohmann::json& spec);

  // Appends the ids of one pre-tokenized word.
  void tokenize(std::string_view word, std::vector<std::uint32_t>& out) const;

  std::optional<std::uint32_t> token_to_id(std::string_view token) const;
  // The token of `id`, or nullptr outside the vocabulary.
  const std::string* id_to_token(std::uint32_t id) const;
  std::size_t vocab_size() const { return vocab_.size(); }
  const Vocab& vocab() const { return vocab_; }

 private:
  struct Merge {
    std::uint32_t rank;
    std::uint32_t new_id;
  };
  void load_merges(const nlohmann::json& merges);
  // The BPE algorithm without the cache: initial symbols, then merges.
  void merge_word(std::string_view word, std::vector<std::uint32_t>& out) const;
  void initial_symbols(std::string_view word, std::vector<std::uint32_t>& symbols) const;
  void apply_merges(std::vector<std::uint32_t>& symbols) const;

  Vocab vocab_;
  std::vector<std::string> tokens_;  // by id ("" for ids not in the vocabulary)
  std::vector<bool> has_token_;
  U64Map<Merge> merges_;
  std::optional<std::uint32_t> unk_id_;
  std::string continuing_subword_prefix_;
  std::string end_of_word_suffix_;
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  bool byte_mode_ = false;
  std::array<std::int64_t, 256> byte_ids_{};           // byte mode: the id of each byte's character
  std::array<std::int64_t, 256> fallback_ids_{};       // byte_fallback: the id of <0xXX>, or -1
  Vocab raw_vocab_;                                    // byte mode + ignore_merges: raw bytes -> id
  mutable MergeCache cache_;
};

}  // namespace llmctl::tok
