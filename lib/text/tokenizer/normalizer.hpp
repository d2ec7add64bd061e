// Normalizers of tokenizer.json ("normalizer"): NFC, NFD, NFKC, NFKD,
// Lowercase, Strip, StripAccents, Prepend, Replace, ByteLevel and Sequence,
// with HF `tokenizers`' semantics.
#pragma once

#include "text/tokenizer/regex.hpp"
#include "text/tokenizer/unicode.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace llmctl::tok {

// Text on its way through normalization and pre-tokenization. `origin` is
// how many leading bytes stem from the first character of the input HF saw
// (its offsets_original().0 == 0): Metaspace's prepend_scheme "first" adds
// the ▁ only there, so normalizers keep the count up to date.
struct Piece {
  std::string text;
  std::size_t origin = 0;
};

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(Piece& piece) const = 0;
};

// Builds the normalizer a tokenizer.json "normalizer" object describes; null
// JSON gives nullptr. Unsupported types throw std::invalid_argument naming them.
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& spec);

// Parses the {"String": s} / {"Regex": r} pattern objects of Replace and Split.
Regex make_pattern(const nlohmann::json& spec);

}  // namespace llmctl::tok
