#include "text/tokenizer/bpe.hpp"

#include "text/tokenizer/byte_level.hpp"
#include "text/tokenizer/unicode.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <stdexcept>

namespace llmctl::tok {

using Json = nlohmann::json;

namespace {

std::string optional_string(const Json& spec, const char* key) {
  const auto it = spec.find(key);
  return it == spec.end() || it->is_null() ? std::string() : it->get<std::string>();
}

std::uint64_t pair_key(std::uint32_t a, std::uint32_t b) { return (std::uint64_t{a} << 32) | b; }

}  // namespace

bool BpeModel::byte_mode_possible(const Json& spec) {
  if (!optional_string(spec, "continuing_subword_prefix").empty()) return false;
  if (!optional_string(spec, "end_of_word_suffix").empty()) return false;
  if (spec.contains("dropout") && !spec.at("dropout").is_null()) return false;
  const Json& vocab = spec.at("vocab");
  for (unsigned b = 0; b < 256; ++b) {
    if (!vocab.contains(std::string(byte_level::char_of(static_cast<unsigned char>(b))))) return false;
  }
  return true;
}

BpeModel::BpeModel(const Json& spec, bool byte_mode) : byte_mode_(byte_mode) {
  if (spec.contains("dropout") && !spec.at("dropout").is_null() && spec.at("dropout").get<double>() > 0.0) {
    throw std::invalid_argument("BPE dropout is not supported (tokenization would be random)");
  }
  continuing_subword_prefix_ = optional_string(spec, "continuing_subword_prefix");
  end_of_word_suffix_ = optional_string(spec, "end_of_word_suffix");
  fuse_unk_ = spec.value("fuse_unk", false);
  byte_fallback_ = spec.value("byte_fallback", false);
  ignore_merges_ = spec.value("ignore_merges", false);

  const Json& vocab = spec.at("vocab");
  vocab_.reserve(vocab.size());
  std::uint32_t max_id = 0;
  for (const auto& [token, id] : vocab.items()) {
    const auto value = id.get<std::uint32_t>();
    vocab_.emplace(token, value);
    max_id = std::max(max_id, value);
  }
  tokens_.assign(vocab.empty() ? 0 : max_id + 1, std::string());
  has_token_.assign(tokens_.size(), false);
  for (const auto& [token, id] : vocab_) {
    tokens_[id] = token;
    has_token_[id] = true;
  }

  const std::string unk = optional_string(spec, "unk_token");
  if (!unk.empty()) {
    // HF fails only when an unknown character actually needs it; an unk
    // token outside the vocabulary then drops such characters here.
    if (auto id = token_to_id(unk)) unk_id_ = *id;
  }
  for (unsigned b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    const auto id = token_to_id(name);
    fallback_ids_[b] = id ? static_cast<std::int64_t>(*id) : -1;
    const auto bid = token_to_id(byte_level::char_of(static_cast<unsigned char>(b)));
    byte_ids_[b] = bid ? static_cast<std::int64_t>(*bid) : -1;
  }
  if (byte_mode_ && ignore_merges_) {
    // Whole-word lookups in byte mode need the vocabulary spelled in raw bytes.
    for (const auto& [token, id] : vocab_) {
      std::string raw;
      bool ok = true;
      for (std::size_t i = 0; i < token.size() && ok;) {
        const int b = byte_level::byte_of(unicode::next(token, i));
        if (b < 0) ok = false;
        raw.push_back(static_cast<char>(b));
      }
      if (ok) raw_vocab_.emplace(std::move(raw), id);
    }
  }
  load_merges(spec.at("merges"));
}

void BpeModel::load_merges(const Json& merges) {
  merges_.reserve(merges.size());
  const std::size_t prefix_len = continuing_subword_prefix_.size();
  std::uint32_t rank = 0;
  for (const auto& m : merges) {
    std::string a, b;
    if (m.is_string()) {
      const std::string line = m.get<std::string>();
      const auto space = line.find(' ');
      if (space == std::string::npos) throw std::invalid_argument("bad merge '" + line + "': no space");
      a = line.substr(0, space);
      b = line.substr(space + 1);
    } else {
      a = m.at(0).get<std::string>();
      b = m.at(1).get<std::string>();
    }
    const auto a_id = token_to_id(a);
    const auto b_id = token_to_id(b);
    if (!a_id || !b_id) throw std::invalid_argument("merge '" + a + " " + b + "' uses a token outside the vocabulary");
    // The right part carries the continuing-subword prefix; the merged token does not repeat it.
    const std::string merged = a + (b.size() >= prefix_len ? b.substr(prefix_len) : std::string());
    const auto new_id = token_to_id(merged);
    if (!new_id) throw std::invalid_argument("merge result '" + merged + "' is not in the vocabulary");
    // A pair listed twice keeps its last rank, as HF's HashMap collect does.
    merges_.insert_or_assign(pair_key(*a_id, *b_id), Merge{rank, *new_id});
    ++rank;
  }
}

std::optional<std::uint32_t> BpeModel::token_to_id(std::string_view token) const {
  const auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(std::uint32_t id) const {
  return id < tokens_.size() && has_token_[id] ? &tokens_[id] : nullptr;
}

void BpeModel::tokenize(std::string_view word, std::vector<std::uint32_t>& out) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    const Vocab& whole = byte_mode_ ? raw_vocab_ : vocab_;
    if (const auto it = whole.find(word); it != whole.end()) {
      out.push_back(it->second);
      return;
    }
  }
  if (cache_.lookup(word, out)) return;
  const std::size_t start = out.size();
  merge_word(word, out);
  cache_.insert(word, out.data() + start, out.size() - start);
}

void BpeModel::merge_word(std::string_view word, std::vector<std::uint32_t>& out) const {
  std::vector<std::uint32_t> symbols;
  symbols.reserve(word.size());
  initial_symbols(word, symbols);
  apply_merges(symbols);
  out.insert(out.end(), symbols.begin(), symbols.end());
}

void BpeModel::initial_symbols(std::string_view word, std::vector<std::uint32_t>& symbols) const {
  if (byte_mode_) {
    for (const char c : word) symbols.push_back(static_cast<std::uint32_t>(byte_ids_[static_cast<unsigned char>(c)]));
    return;
  }
  // HF merge_word: one symbol per character (with prefix/suffix), unknown
  // characters as <0xXX> bytes or as a (fused) unk.
  bool pending_unk = false;
  std::string scratch;
  for (std::size_t i = 0; i < word.size();) {
    const std::size_t at = i;
    i += unicode::sequence_length(static_cast<unsigned char>(word[at]));
    i = std::min(i, word.size());
    std::string_view symbol = word.substr(at, i - at);
    if ((at > 0 && !continuing_subword_prefix_.empty()) || (i == word.size() && !end_of_word_suffix_.empty())) {
      scratch.clear();
      if (at > 0) scratch += continuing_subword_prefix_;
      scratch += symbol;
      if (i == word.size()) scratch += end_of_word_suffix_;
      symbol = scratch;
    }
    if (const auto it = vocab_.find(symbol); it != vocab_.end()) {
      if (pending_unk) {
        symbols.push_back(*unk_id_);
        pending_unk = false;
      }
      symbols.push_back(it->second);
      continue;
    }
    if (byte_fallback_) {
      // All of the symbol's bytes (prefix and suffix included) or none.
      const bool all = std::all_of(symbol.begin(), symbol.end(),
                                   [&](char c) { return fallback_ids_[static_cast<unsigned char>(c)] >= 0; });
      if (all) {
        // Like HF, a pending unk is not flushed first here.
        for (const char c : symbol) symbols.push_back(static_cast<std::uint32_t>(fallback_ids_[static_cast<unsigned char>(c)]));
        continue;
      }
    }
    if (unk_id_) {
      if (pending_unk && !fuse_unk_) symbols.push_back(*unk_id_);
      pending_unk = true;
    }
  }
  if (pending_unk) symbols.push_back(*unk_id_);
}

void BpeModel::apply_merges(std::vector<std::uint32_t>& symbols) const {
  const std::size_t n = symbols.size();
  if (n < 2 || merges_.size() == 0) return;
  // HF word.rs merge_all: repeatedly merge the pair with the lowest rank,
  // leftmost first, over a linked list of symbols with a min-heap of
  // candidate (rank, position) pairs; stale candidates are skipped.
  constexpr std::int32_t kNone = -1;
  std::vector<std::int32_t> prev(n), next(n);
  std::vector<bool> alive(n, true);
  for (std::size_t i = 0; i < n; ++i) {
    prev[i] = static_cast<std::int32_t>(i) - 1;
    next[i] = i + 1 < n ? static_cast<std::int32_t>(i + 1) : kNone;
  }
  std::priority_queue<std::uint64_t, std::vector<std::uint64_t>, std::greater<>> heap;
  auto push = [&](std::int32_t pos) {
    if (pos == kNone || next[pos] == kNone) return;
    if (const Merge* m = merges_.find(pair_key(symbols[pos], symbols[next[pos]]))) {
      heap.push((std::uint64_t{m->rank} << 32) | static_cast<std::uint32_t>(pos));
    }
  };
  for (std::size_t i = 0; i + 1 < n; ++i) push(static_cast<std::int32_t>(i));
  while (!heap.empty()) {
    const std::uint64_t top = heap.top();
    heap.pop();
    const auto rank = static_cast<std::uint32_t>(top >> 32);
    const auto pos = static_cast<std::int32_t>(top & 0xFFFFFFFFu);
    if (!alive[pos] || next[pos] == kNone) continue;
    const std::int32_t right = next[pos];
    const Merge* m = merges_.find(pair_key(symbols[pos], symbols[right]));
    if (m == nullptr || m->rank != rank) continue;  // the pair changed since it was queued
    symbols[pos] = m->new_id;
    alive[right] = false;
    next[pos] = next[right];
    if (next[pos] != kNone) prev[next[pos]] = pos;
    push(prev[pos]);
    push(pos);
  }
  std::size_t w = 0;
  for (std::int32_t i = 0; i != kNone; i = next[i]) symbols[w++] = symbols[i];
  symbols.resize(w);
}

}  // namespace llmctl::tok
