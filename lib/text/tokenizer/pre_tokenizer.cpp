// Delimiter behaviours, the character-class splitters and the factory.
#include "text/tokenizer/pre_tokenizer.hpp"

#include "text/tokenizer/pre_tokenizer_steps.hpp"
#include "text/tokenizer/unicode.hpp"

#include <algorithm>
#include <stdexcept>

namespace llmctl::tok {

using Json = nlohmann::json;

void PreTokenizer::emit(Piece&& piece, PieceSink sink) const {
  std::vector<Piece> pieces;
  pieces.push_back(std::move(piece));
  pre_tokenize(pieces);
  for (const Piece& p : pieces) sink(p.text);
}

namespace {

struct Range {
  std::size_t begin, end;
  bool remove;
};

// HF NormalizedString::split: turns the matched/unmatched partition into the
// ranges to keep, per behaviour.
std::vector<Range> apply_behavior(const std::vector<Span>& spans, SplitBehavior behavior) {
  std::vector<Range> out;
  out.reserve(spans.size());
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::isolated:
      for (const Span& s : spans) out.push_back({s.begin, s.end, false});
      break;
    case SplitBehavior::removed:
      for (const Span& s : spans) out.push_back({s.begin, s.end, s.match});
      break;
    case SplitBehavior::contiguous:
      for (const Span& s : spans) {
        if (s.match == previous_match && !out.empty()) {
          out.back().end = s.end;
        } else {
          out.push_back({s.begin, s.end, false});
        }
        previous_match = s.match;
      }
      break;
    case SplitBehavior::merged_with_previous:
      for (const Span& s : spans) {
        if (s.match && !previous_match && !out.empty()) {
          out.back().end = s.end;
        } else {
          out.push_back({s.begin, s.end, false});
        }
        previous_match = s.match;
      }
      break;
    case SplitBehavior::merged_with_next:
      for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        if (it->match && !previous_match && !out.empty()) {
          out.back().begin = it->begin;
        } else {
          out.push_back({it->begin, it->end, false});
        }
        previous_match = it->match;
      }
      std::reverse(out.begin(), out.end());
      break;
  }
  return out;
}

}  // namespace

void split_piece(const Piece& piece, const std::vector<Span>& spans, SplitBehavior behavior,
                 std::vector<Piece>& out) {
  for (const Range& r : apply_behavior(spans, behavior)) {
    if (r.remove || r.begin == r.end) continue;
    Piece p;
    p.text.assign(piece.text, r.begin, r.end - r.begin);
    p.origin = piece.origin > r.begin ? std::min(r.end, piece.origin) - r.begin : 0;
    out.push_back(std::move(p));
  }
}

std::vector<Span> partition_chars(std::string_view text, bool (*pred)(char32_t), char32_t only) {
  std::vector<Span> spans;
  if (text.empty()) {
    spans.push_back({0, 0, false});
    return spans;
  }
  std::size_t last = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t at = i;
    const char32_t c = unicode::next(text, i);
    if (pred != nullptr ? pred(c) : c == only) {
      if (last < at) spans.push_back({last, at, false});
      spans.push_back({at, i, true});
      last = i;
    }
  }
  if (last < text.size()) spans.push_back({last, text.size(), false});
  return spans;
}

void CharClassSplit::pre_tokenize(std::vector<Piece>& pieces) const {
  std::vector<Piece> out;
  out.reserve(pieces.size() * 2);
  for (const Piece& piece : pieces) split_piece(piece, partition_chars(piece.text, pred_, delimiter_), behavior_, out);
  pieces = std::move(out);
}

namespace {

bool is_bert_punctuation(char32_t c) { return unicode::is_punctuation(c); }

// Whitespace runs as matched spans, between runs of \w and runs of other characters.
std::vector<Span> partition_words(std::string_view text) {
  std::vector<Span> spans;
  if (text.empty()) {
    spans.push_back({0, 0, false});
    return spans;
  }
  enum Kind { space, word, other };
  auto kind_of = [](char32_t c) { return unicode::is_whitespace(c) ? space : unicode::is_word(c) ? word : other; };
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t begin = i;
    std::size_t j = i;
    const Kind kind = kind_of(unicode::next(text, j));
    i = j;
    while (i < text.size()) {
      j = i;
      if (kind_of(unicode::next(text, j)) != kind) break;
      i = j;
    }
    spans.push_back({begin, i, kind == space});  // HF inverts \w+|[^\w\s]+: whitespace is removed
  }
  return spans;
}

class Whitespace final : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    std::vector<Piece> out;
    for (const Piece& piece : pieces) split_piece(piece, partition_words(piece.text), SplitBehavior::removed, out);
    pieces = std::move(out);
  }
};

// Whitespace-removed then punctuation-isolated.
class BertPreTokenizer final : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<Piece>& pieces) const override {
    CharClassSplit(unicode::is_whitespace, SplitBehavior::removed).pre_tokenize(pieces);
    CharClassSplit(is_bert_punctuation, SplitBehavior::isolated).pre_tokenize(pieces);
  }
};

SplitBehavior parse_behavior(const Json& spec, SplitBehavior fallback) {
  if (!spec.is_string()) return fallback;
  const std::string name = spec.get<std::string>();
  if (name == "Removed" || name == "removed") return SplitBehavior::removed;
  if (name == "Isolated" || name == "isolated") return SplitBehavior::isolated;
  if (name == "MergedWithPrevious" || name == "merged_with_previous") return SplitBehavior::merged_with_previous;
  if (name == "MergedWithNext" || name == "merged_with_next") return SplitBehavior::merged_with_next;
  if (name == "Contiguous" || name == "contiguous") return SplitBehavior::contiguous;
  throw std::invalid_argument("unknown split behavior '" + name + "'");
}

void flatten(const Json& spec, std::vector<const Json*>& out) {
  if (spec.is_null()) return;
  if (spec.at("type").get<std::string>() == "Sequence") {
    for (const auto& item : spec.at("pretokenizers")) flatten(item, out);
    return;
  }
  out.push_back(&spec);
}

MetaspaceOptions metaspace_options(const Json& spec) {
  MetaspaceOptions o;
  o.replacement = spec.value("replacement", std::string("\xE2\x96\x81"));
  const std::string scheme = spec.value("prepend_scheme", std::string());
  if (scheme.empty()) {
    // Files older than prepend_scheme say add_prefix_space instead.
    o.prepend = spec.value("add_prefix_space", true) ? PrependScheme::always : PrependScheme::never;
  } else if (scheme == "always") {
    o.prepend = PrependScheme::always;
  } else if (scheme == "first") {
    o.prepend = PrependScheme::first;
  } else if (scheme == "never") {
    o.prepend = PrependScheme::never;
  } else {
    throw std::invalid_argument("unknown Metaspace prepend_scheme '" + scheme + "'");
  }
  o.split = spec.value("split", true);
  return o;
}

std::unique_ptr<PreTokenizer> make_step(const Json& spec, bool last, const PreTokenizerOptions& options) {
  const std::string type = spec.at("type").get<std::string>();
  if (type == "Split") {
    return std::make_unique<SplitPre>(make_pattern(spec.at("pattern")),
                                      parse_behavior(spec.at("behavior"), SplitBehavior::isolated),
                                      spec.value("invert", false));
  }
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevelPre>(spec.value("add_prefix_space", true), spec.value("use_regex", true),
                                          !(last && options.defer_byte_mapping));
  }
  if (type == "Metaspace") return std::make_unique<MetaspacePre>(metaspace_options(spec));
  if (type == "Digits") {
    return std::make_unique<CharClassSplit>(unicode::is_numeric, spec.value("individual_digits", false)
                                                                     ? SplitBehavior::isolated
                                                                     : SplitBehavior::contiguous);
  }
  if (type == "Punctuation") {
    return std::make_unique<CharClassSplit>(unicode::is_punctuation,
                                            parse_behavior(spec.value("behavior", Json()), SplitBehavior::isolated));
  }
  if (type == "Whitespace") return std::make_unique<Whitespace>();
  if (type == "WhitespaceSplit") return std::make_unique<CharClassSplit>(unicode::is_whitespace, SplitBehavior::removed);
  if (type == "BertPreTokenizer") return std::make_unique<BertPreTokenizer>();
  if (type == "CharDelimiterSplit") {
    const std::string d = spec.at("delimiter").get<std::string>();
    std::size_t i = 0;
    return std::make_unique<CharClassSplit>(unicode::next(d, i), SplitBehavior::removed);
  }
  throw std::invalid_argument("unsupported pre_tokenizer type '" + type + "'");
}

}  // namespace

bool ends_with_byte_level(const Json& spec) {
  std::vector<const Json*> steps;
  flatten(spec, steps);
  return !steps.empty() && steps.back()->at("type").get<std::string>() == "ByteLevel";
}

std::vector<std::unique_ptr<PreTokenizer>> make_pre_tokenizers(const Json& spec, const PreTokenizerOptions& options) {
  std::vector<const Json*> flat;
  flatten(spec, flat);
  std::vector<std::unique_ptr<PreTokenizer>> steps;
  for (std::size_t i = 0; i < flat.size(); ++i) {
    auto step = make_step(*flat[i], i + 1 == flat.size(), options);
    if (!step->is_identity()) steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace llmctl::tok
