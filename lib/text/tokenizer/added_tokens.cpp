#include "text/tokenizer/added_tokens.hpp"

#include "text/tokenizer/unicode.hpp"

#include <algorithm>

namespace llmctl::tok {

void PatternSet::add(std::string_view pattern, std::size_t index) {
  if (pattern.empty()) return;
  std::uint32_t node = 0;
  for (const char ch : pattern) {
    const auto c = static_cast<unsigned char>(ch);
    auto& children = nodes_[node].children;
    const auto it = std::lower_bound(children.begin(), children.end(), c,
                                     [](const auto& child, unsigned char key) { return child.first < key; });
    if (it != children.end() && it->first == c) {
      node = it->second;
      continue;
    }
    const auto next = static_cast<std::uint32_t>(nodes_.size());
    children.insert(it, {c, next});
    nodes_.emplace_back();
    node = next;
  }
  // The first token with this content wins, as in HF's pattern order.
  if (nodes_[node].terminal < 0) nodes_[node].terminal = static_cast<std::int64_t>(index);
  first_byte_[static_cast<unsigned char>(pattern[0])] = true;
  ++count_;
}

std::vector<PatternSet::Match> PatternSet::find_all(std::string_view text) const {
  std::vector<Match> matches;
  if (count_ == 0) return matches;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!first_byte_[static_cast<unsigned char>(text[i])]) {
      ++i;
      continue;
    }
    std::uint32_t node = 0;
    std::int64_t best = -1;
    std::size_t best_end = 0;
    for (std::size_t j = i; j < text.size(); ++j) {
      const auto c = static_cast<unsigned char>(text[j]);
      const auto& children = nodes_[node].children;
      const auto it = std::lower_bound(children.begin(), children.end(), c,
                                       [](const auto& child, unsigned char key) { return child.first < key; });
      if (it == children.end() || it->first != c) break;
      node = it->second;
      if (nodes_[node].terminal >= 0) {
        best = nodes_[node].terminal;
        best_end = j + 1;
      }
    }
    if (best >= 0) {
      matches.push_back({i, best_end, static_cast<std::size_t>(best)});
      i = best_end;
    } else {
      ++i;
    }
  }
  return matches;
}

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer)
    : tokens_(std::move(tokens)) {
  // HF matches special tokens before the others when contents coincide.
  std::vector<std::size_t> order(tokens_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_partition(order.begin(), order.end(), [&](std::size_t i) { return tokens_[i].special; });
  for (const std::size_t i : order) {
    const AddedToken& t = tokens_[i];
    if (!t.normalized) {
      raw_.add(t.content, i);
      continue;
    }
    Piece p{t.content, 0};
    if (normalizer != nullptr) normalizer->normalize(p);
    normalized_.add(p.text, i);
  }
}

namespace {

// The character before `at` / at `at` is a \w character (Rust regex classes).
bool word_before(std::string_view s, std::size_t at) {
  if (at == 0) return false;
  std::size_t start = at - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  return unicode::is_word(unicode::next(s, start));
}

bool word_at(std::string_view s, std::size_t at) {
  if (at >= s.size()) return false;
  return unicode::is_word(unicode::next(s, at));
}

// Start of the whitespace run that ends at `at`.
std::size_t whitespace_start_before(std::string_view s, std::size_t at) {
  while (at > 0) {
    std::size_t start = at - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t i = start;
    if (!unicode::is_whitespace(unicode::next(s, i))) break;
    at = start;
  }
  return at;
}

std::size_t whitespace_end_after(std::string_view s, std::size_t at) {
  while (at < s.size()) {
    std::size_t i = at;
    if (!unicode::is_whitespace(unicode::next(s, i))) break;
    at = i;
  }
  return at;
}

}  // namespace

void AddedVocabulary::split(std::string_view text, bool normalized_set, std::vector<Segment>& out) const {
  if (text.empty()) return;
  const PatternSet& set = normalized_set ? normalized_ : raw_;
  std::size_t start_offset = 0;
  for (const PatternSet::Match& m : set.find_all(text)) {
    const AddedToken& token = tokens_[m.index];
    std::size_t start = m.begin, stop = m.end;
    if (token.single_word && (word_before(text, start) || word_at(text, stop))) continue;
    if (token.lstrip) start = std::max(whitespace_start_before(text, start), start_offset);
    if (token.rstrip) stop = whitespace_end_after(text, stop);
    if (start_offset < start) out.push_back({start_offset, start, -1});
    out.push_back({start, stop, static_cast<std::int64_t>(token.id)});
    start_offset = stop;
  }
  if (start_offset < text.size()) out.push_back({start_offset, text.size(), -1});
}

}  // namespace llmctl::tok
