// Python str semantics over UTF-8 std::string: jinja2 templates index,
// slice, strip and case-map strings by code point, so the engine does too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::jinja::unicode {

// Decodes the code point at s[i] and advances i. A byte that does not start a
// valid UTF-8 sequence decodes as itself (U+0080..U+00FF), one byte long.
char32_t next(std::string_view s, std::size_t& i);
void append(std::string& out, char32_t cp);
std::string encode(char32_t cp);

bool is_ascii(std::string_view s);
std::size_t length(std::string_view s);  // in code points
// Byte offset of code point number `index` (clamped to s.size()).
std::size_t offset_of(std::string_view s, std::size_t index);
std::vector<char32_t> decode(std::string_view s);

// Character classes as Python's str methods define them.
bool is_space(char32_t c);      // str.isspace, also \s and str.split()
bool is_printable(char32_t c);  // str.isprintable, used by repr()
bool is_alpha(char32_t c);
bool is_decimal(char32_t c);
bool is_digit(char32_t c);
bool is_numeric(char32_t c);
bool is_alnum(char32_t c);
bool is_word(char32_t c);       // \w
bool is_upper(char32_t c);
bool is_lower(char32_t c);
bool is_cased(char32_t c);
bool is_linebreak(char32_t c);  // str.splitlines boundaries

char32_t to_upper(char32_t c);
char32_t to_lower(char32_t c);
char32_t to_title(char32_t c);

std::string upper(std::string_view s);
std::string lower(std::string_view s);
std::string title(std::string_view s);       // str.title
std::string capitalize(std::string_view s);  // str.capitalize

// str.strip / lstrip / rstrip: `chars` empty-and-not-given means whitespace.
std::string_view strip(std::string_view s, bool left, bool right);
std::string_view strip_chars(std::string_view s, std::string_view chars, bool left, bool right);

// str.split() without a separator: runs of whitespace, at most `maxsplit`
// splits (-1: no limit), from the right when `from_right`.
std::vector<std::string> split_whitespace(std::string_view s, long maxsplit, bool from_right);
std::vector<std::string> split(std::string_view s, std::string_view sep, long maxsplit,
                               bool from_right);
std::vector<std::string> splitlines(std::string_view s, bool keepends);

bool is_space_string(std::string_view s);  // str.isspace(): non-empty, all whitespace

}  // namespace llmctl::jinja::unicode
