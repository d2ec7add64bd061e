// Pre-tokenizers of tokenizer.json ("pre_tokenizer"): Split, ByteLevel,
// Metaspace, Digits, Punctuation, Whitespace, WhitespaceSplit,
// BertPreTokenizer, CharDelimiterSplit and Sequence, with HF `tokenizers`'
// splitting rules (delimiter behaviours, empty pieces dropped).
#pragma once

#include "text/tokenizer/normalizer.hpp"
#include "text/tokenizer/regex.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string_view>
#include <vector>

namespace llmctl::tok {

enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

// Where each finished piece goes (a non-owning callable reference, so the hot
// path neither allocates nor copies pieces).
class PieceSink {
 public:
  template <typename F>
  PieceSink(F& f) : ctx_(&f), call_([](void* ctx, std::string_view s) { (*static_cast<F*>(ctx))(s); }) {}
  void operator()(std::string_view s) const { call_(ctx_, s); }

 private:
  void* ctx_;
  void (*call_)(void*, std::string_view);
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces every piece by the pieces it splits into (empty ones dropped).
  virtual void pre_tokenize(std::vector<Piece>& pieces) const = 0;
  // pre_tokenize of one piece, handing the results to `sink` in order; steps
  // that can do it without building a vector override this.
  virtual void emit(Piece&& piece, PieceSink sink) const;
  // A step that changes nothing (a ByteLevel with nothing left to do in byte mode).
  virtual bool is_identity() const { return false; }
};

// Applies `behavior` to a partition of piece.text, appending the non-empty
// pieces to `out` (HF NormalizedString::split).
void split_piece(const Piece& piece, const std::vector<Span>& spans, SplitBehavior behavior,
                 std::vector<Piece>& out);

struct PreTokenizerOptions {
  // Byte-level BPE fast path: a final ByteLevel step splits but leaves the
  // bytes unmapped, since the model then works on raw bytes directly.
  bool defer_byte_mapping = false;
};

// The steps a tokenizer.json "pre_tokenizer" describes, Sequences flattened,
// in order (empty for null). Unsupported types throw std::invalid_argument.
std::vector<std::unique_ptr<PreTokenizer>> make_pre_tokenizers(const nlohmann::json& spec,
                                                               const PreTokenizerOptions& options);

// True when the flattened steps of `spec` end with a ByteLevel step.
bool ends_with_byte_level(const nlohmann::json& spec);

}  // namespace llmctl::tok
