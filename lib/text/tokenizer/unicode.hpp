// UTF-8 and Unicode character classes as Hugging Face `tokenizers` (Rust)
// sees them: its pre-tokenizers and added-token rules use Rust's char
// methods and regex classes, whose definitions differ from Python's and
// PCRE2's in places (e.g. U+0085 is whitespace, \w includes marks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmctl::tok::unicode {

// Decodes the code point at s[i] (valid UTF-8 assumed) and advances i.
char32_t next(std::string_view s, std::size_t& i);
// Byte length of the UTF-8 sequence that starts with `lead` (1 for invalid leads).
std::size_t sequence_length(unsigned char lead);
void append(std::string& out, char32_t cp);

// True when `s` is well-formed UTF-8.
bool is_valid(std::string_view s);
// `s` with every maximal ill-formed subsequence replaced by U+FFFD, exactly as
// Python's bytes.decode("utf-8", errors="replace") and Rust's
// String::from_utf8_lossy do (the Unicode "maximal subpart" practice).
std::string sanitize(std::string_view s);

bool is_whitespace(char32_t c);   // Rust char::is_whitespace: the White_Space property
bool is_numeric(char32_t c);      // Rust char::is_numeric: Nd, Nl, No
bool is_alphabetic(char32_t c);   // the Alphabetic property (letters, Nl, Other_Alphabetic)
bool is_word(char32_t c);         // Rust regex \w: Alphabetic, M, Nd, Pc, Join_Control
bool is_punctuation(char32_t c);  // ASCII punctuation or a Unicode P* category

// Rust char::to_lowercase appended to `out` (one or two code points).
void append_lowercase(std::string& out, char32_t c);

enum class NormalForm { nfc, nfd, nfkc, nfkd };
// Unicode normalization of valid UTF-8 through utf8proc (embedded NULs kept).
std::string normalize(std::string_view s, NormalForm form);

}  // namespace llmctl::tok::unicode
