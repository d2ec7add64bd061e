// The regular expressions of tokenizer.json (Split pre-tokenizers, Replace
// normalizers and decoders) through PCRE2 with Unicode properties and JIT.
// HF `tokenizers` runs them with Oniguruma; the few classes whose meaning
// differs are rewritten to Oniguruma's (see translate_oniguruma).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmctl::tok {

// A byte range of a string, and whether a pattern matched it.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool match = false;
};

class Regex {
 public:
  // `pattern` as tokenizer.json writes it (Oniguruma syntax). Throws
  // std::invalid_argument with PCRE2's message when it does not compile.
  explicit Regex(std::string_view pattern);
  // A pattern matching `text` literally (the {"String": ...} form).
  static Regex literal(std::string_view text);

  // The matches in `text` (valid UTF-8) in the order and with the empty-match
  // rule of Rust's find_iter: non-overlapping, and an empty match directly
  // after the previous match is skipped.
  std::vector<std::pair<std::size_t, std::size_t>> find_all(std::string_view text) const;
  // find_all as a partition of `text` into matched and unmatched spans
  // (HF's Pattern::find_matches; an empty text gives one empty unmatched span).
  std::vector<Span> partition(std::string_view text) const;
  // Calls fn(begin, end) for each match, as find_all orders them.
  template <typename F>
  void for_each(std::string_view text, F&& fn) const;

  const std::string& source() const { return source_; }

 private:
  struct Code;
  // Finds the first match at or after `start`; false when there is none.
  bool search(std::string_view text, std::size_t start, void* match_data, std::size_t& begin,
              std::size_t& end) const;
  void* new_match_data() const;
  static void free_match_data(void* match_data);

  std::shared_ptr<const Code> code_;
  std::string source_;
};

// Oniguruma -> PCRE2: \s and \S gain U+0085 (Oniguruma's \s is the White_Space
// property, PCRE2's omits NEL), \w/\W become Oniguruma's letter|mark|Nd|Pc
// (PCRE2 10.42 uses L|N|_), \h becomes a hex digit (Oniguruma) rather than
// horizontal space (PCRE2), and \p{Script} tests the Script property only
// (PCRE2 would use Script_Extensions).
std::string translate_oniguruma(std::string_view pattern);

template <typename F>
void Regex::for_each(std::string_view text, F&& fn) const {
  void* md = new_match_data();
  struct Guard {
    void* md;
    ~Guard() { free_match_data(md); }
  } guard{md};
  std::size_t pos = 0;
  bool have_last = false;
  std::size_t last_end = 0;
  while (pos <= text.size()) {
    std::size_t b = 0, e = 0;
    if (!search(text, pos, md, b, e)) break;
    if (b == e && have_last && last_end == e) {
      if (pos >= text.size()) break;
      // Advance one code point (the input is valid UTF-8).
      ++pos;
      while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
      continue;
    }
    fn(b, e);
    have_last = true;
    last_end = e;
    pos = e;
  }
}

}  // namespace llmctl::tok
