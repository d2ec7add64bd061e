// Split (the model's regex), ByteLevel and Metaspace.
#include "text/tokenizer/pre_tokenizer_steps.hpp"

#include "text/tokenizer/byte_level.hpp"
#include "text/tokenizer/unicode.hpp"

namespace llmctl::tok {

// ---- Split -------------------------------------------------------------------------

void SplitPre::pre_tokenize(std::vector<Piece>& pieces) const {
  std::vector<Piece> out;
  out.reserve(pieces.size() * 4);
  for (const Piece& piece : pieces) {
    std::vector<Span> spans = pattern_.partition(piece.text);
    if (invert_) {
      for (Span& s : spans) s.match = !s.match;
    }
    split_piece(piece, spans, behavior_, out);
  }
  pieces = std::move(out);
}

void SplitPre::emit(Piece&& piece, PieceSink sink) const {
  if (behavior_ != SplitBehavior::isolated) {
    PreTokenizer::emit(std::move(piece), sink);
    return;
  }
  // Isolated keeps matches and the text between them alike (whatever invert says).
  const std::string_view text = piece.text;
  std::size_t prev = 0;
  pattern_.for_each(text, [&](std::size_t b, std::size_t e) {
    if (prev < b) sink(text.substr(prev, b - prev));
    if (b < e) sink(text.substr(b, e - b));
    prev = e;
  });
  if (prev < text.size()) sink(text.substr(prev));
}

// ---- ByteLevel -----------------------------------------------------------------------

ByteLevelPre::ByteLevelPre(bool add_prefix_space, bool use_regex, bool map_bytes)
    : add_prefix_space_(add_prefix_space),
      use_regex_(use_regex),
      map_bytes_(map_bytes),
      gpt2_("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+") {}

void ByteLevelPre::add_prefix(Piece& piece) const {
  // Every piece reaching this step gets it, not only the first of the input.
  if (add_prefix_space_ && (piece.text.empty() || piece.text[0] != ' ')) {
    piece.text.insert(0, 1, ' ');
    if (piece.origin > 0) ++piece.origin;
  }
}

void ByteLevelPre::pre_tokenize(std::vector<Piece>& pieces) const {
  std::vector<Piece> out;
  out.reserve(pieces.size() * 4);
  for (Piece& piece : pieces) {
    add_prefix(piece);
    if (use_regex_) {
      split_piece(piece, gpt2_.partition(piece.text), SplitBehavior::isolated, out);
    } else {
      out.push_back(std::move(piece));
    }
  }
  if (map_bytes_) {
    for (Piece& piece : out) {
      std::string mapped;
      mapped.reserve(piece.text.size() * 2);
      std::size_t origin = 0;
      for (std::size_t i = 0; i < piece.text.size(); ++i) {
        mapped += byte_level::char_of(static_cast<unsigned char>(piece.text[i]));
        if (i < piece.origin) origin = mapped.size();
      }
      piece.text = std::move(mapped);
      piece.origin = origin;
    }
  }
  pieces = std::move(out);
}

void ByteLevelPre::emit(Piece&& piece, PieceSink sink) const {
  if (map_bytes_) {
    PreTokenizer::emit(std::move(piece), sink);
    return;
  }
  add_prefix(piece);
  const std::string_view text = piece.text;
  if (!use_regex_) {
    if (!text.empty()) sink(text);
    return;
  }
  std::size_t prev = 0;
  gpt2_.for_each(text, [&](std::size_t b, std::size_t e) {
    if (prev < b) sink(text.substr(prev, b - prev));
    if (b < e) sink(text.substr(b, e - b));
    prev = e;
  });
  if (prev < text.size()) sink(text.substr(prev));
}

// ---- Metaspace --------------------------------------------------------------------------

void MetaspacePre::pre_tokenize(std::vector<Piece>& pieces) const {
  const std::string& rep = options_.replacement;
  std::size_t i = 0;
  const char32_t rep_char = rep.empty() ? U' ' : unicode::next(rep, i);
  std::vector<Piece> out;
  out.reserve(pieces.size() * 4);
  for (Piece& piece : pieces) {
    std::string replaced;
    replaced.reserve(piece.text.size() + rep.size());
    std::size_t origin = 0;
    for (std::size_t k = 0; k < piece.text.size(); ++k) {
      if (piece.text[k] == ' ') {
        replaced += rep;
      } else {
        replaced.push_back(piece.text[k]);
      }
      if (k < piece.origin) origin = replaced.size();
    }
    piece.text = std::move(replaced);
    piece.origin = origin;
    const bool starts = piece.text.compare(0, rep.size(), rep) == 0;
    const bool prepend = options_.prepend == PrependScheme::always ||
                         (options_.prepend == PrependScheme::first && piece.origin > 0);
    if (prepend && !starts) {
      piece.text.insert(0, rep);
      if (piece.origin > 0) piece.origin += rep.size();
    }
    if (options_.split) {
      split_piece(piece, partition_chars(piece.text, nullptr, rep_char), SplitBehavior::merged_with_next, out);
    } else if (!piece.text.empty()) {
      out.push_back(std::move(piece));
    }
  }
  pieces = std::move(out);
}

}  // namespace llmctl::tok
