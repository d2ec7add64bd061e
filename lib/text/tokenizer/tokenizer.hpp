// A Hugging Face tokenizer.json in native C++: encode text to the ids HF
// `tokenizers` produces and decode ids back, byte for byte.
//
//   auto tok = llmctl::tok::Tokenizer::from_file("tokenizer.json");
//   std::vector<std::uint32_t> ids = tok.encode("Hello!");      // + BOS/EOS per the post-processor
//   std::string text = tok.decode(ids, /*skip_special_tokens=*/true);
//
// Input is bytes: well-formed UTF-8 is what HF sees as a Python str; any
// ill-formed sequence is first replaced by U+FFFD exactly as Python's
// bytes.decode("utf-8", errors="replace") would, so the ids equal HF's for
// that decoded string. Supported: the BPE model (byte-level and
// SentencePiece-style), the normalizers, pre-tokenizers, decoders and
// post-processors listed in their headers. Unigram/WordPiece/WordLevel
// models, Precompiled normalizers, BPE dropout, truncation and padding are
// not: loading such a file fails naming the feature (truncation and padding
// are ignored, as llmctl never asks for them). Character classes come from
// PCRE2 10.42 and utf8proc 2.8 (Unicode 14/15) where HF uses Oniguruma and
// Rust's tables: characters assigned in later Unicode versions may split
// differently.
#pragma once

#include "text/tokenizer/added_tokens.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::tok {

class Tokenizer {
 public:
  // Throws llmctl::Error (runtime) naming the file and the problem.
  static Tokenizer from_file(const std::filesystem::path& path);
  // Throws std::invalid_argument (unsupported or malformed parts).
  static Tokenizer from_json(const nlohmann::json& spec);

  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  // Thread-safe. add_special_tokens applies the post-processor (HF's default).
  std::vector<std::uint32_t> encode(std::string_view text, bool add_special_tokens = true) const;
  // HF Tokenizer::decode: unknown ids are skipped; skip_special_tokens drops
  // tokens whose text is a special added token.
  std::string decode(std::span<const std::uint32_t> ids, bool skip_special_tokens = false) const;

  std::optional<std::uint32_t> token_to_id(std::string_view token) const;
  // The token's string as the vocabulary spells it (e.g. "Ġhello").
  std::optional<std::string> id_to_token(std::uint32_t id) const;
  bool is_special(std::uint32_t id) const;
  // Vocabulary size with the added tokens (len(tokenizer) in transformers).
  std::size_t vocab_size() const;
  const std::vector<AddedToken>& added_tokens() const;

 private:
  struct Impl;
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace llmctl::tok
