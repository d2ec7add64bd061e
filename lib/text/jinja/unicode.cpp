#include "text/jinja/unicode.hpp"

#include <utf8proc.h>

#include <algorithm>

namespace llmctl::jinja::unicode {

char32_t next(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = b0 >= 0xF0 && b0 < 0xF5 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 && b0 < 0xE0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return b0;
  }
  char32_t cp = b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string encode(char32_t cp) {
  std::string out;
  append(out, cp);
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::size_t length(std::string_view s) {
  if (is_ascii(s)) return s.size();
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) next(s, i);
  return n;
}

std::size_t offset_of(std::string_view s, std::size_t index) {
  std::size_t i = 0;
  for (std::size_t n = 0; n < index && i < s.size(); ++n) next(s, i);
  return i;
}

std::vector<char32_t> decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out.push_back(next(s, i));
  return out;
}

namespace {

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

}  // namespace

bool is_space(char32_t c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
    case 0x1C: case 0x1D: case 0x1E: case 0x1F: case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool is_printable(char32_t c) {
  if (c == ' ') return true;
  if (c < 0x80) return c > 0x20 && c < 0x7F;
  switch (category(c)) {
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: case UTF8PROC_CATEGORY_ZS:
      return false;
    default:
      return true;
  }
}

bool is_alpha(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  switch (category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
      return true;
    default:
      return false;
  }
}

bool is_decimal(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return category(c) == UTF8PROC_CATEGORY_ND;
}

bool is_digit(char32_t c) {
  // Python also counts superscripts and circled digits (Numeric_Type=Digit).
  if (is_decimal(c)) return true;
  return (c >= 0xB2 && c <= 0xB3) || c == 0xB9 || (c >= 0x2070 && c <= 0x2079) ||
         (c >= 0x2080 && c <= 0x2089) || (c >= 0x2460 && c <= 0x2468);
}

bool is_numeric(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  auto cat = category(c);
  return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
}

bool is_alnum(char32_t c) { return is_alpha(c) || is_numeric(c); }
bool is_word(char32_t c) { return c == '_' || is_alnum(c); }

bool is_upper(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  return category(c) == UTF8PROC_CATEGORY_LU;
}

bool is_lower(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  return category(c) == UTF8PROC_CATEGORY_LL;
}

bool is_cased(char32_t c) {
  return is_upper(c) || is_lower(c) || (c >= 0x80 && category(c) == UTF8PROC_CATEGORY_LT);
}

bool is_linebreak(char32_t c) {
  switch (c) {
    case '\n': case '\r': case '\v': case '\f': case 0x1C: case 0x1D: case 0x1E:
    case 0x85: case 0x2028: case 0x2029:
      return true;
    default:
      return false;
  }
}

char32_t to_upper(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z' ? c - 32 : c;
  return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}

char32_t to_title(char32_t c) {
  if (c < 0x80) return to_upper(c);
  return static_cast<char32_t>(utf8proc_totitle(static_cast<utf8proc_int32_t>(c)));
}

namespace {

// Python's full case mapping turns U+00DF (sharp s) into "SS"; utf8proc only
// has the simple mappings, so the one common special case is handled here.
void append_upper(std::string& out, char32_t c) {
  if (c == 0xDF) {
    out += "SS";
    return;
  }
  append(out, to_upper(c));
}

template <typename F>
std::string map_chars(std::string_view s, F f) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) f(out, next(s, i));
  return out;
}

}  // namespace

std::string upper(std::string_view s) {
  return map_chars(s, [](std::string& out, char32_t c) { append_upper(out, c); });
}

std::string lower(std::string_view s) {
  return map_chars(s, [](std::string& out, char32_t c) { append(out, to_lower(c)); });
}

std::string title(std::string_view s) {
  bool previous_cased = false;
  return map_chars(s, [&](std::string& out, char32_t c) {
    if (previous_cased) {
      append(out, to_lower(c));
    } else if (c == 0xDF) {
      out += "Ss";
    } else {
      append(out, to_title(c));
    }
    previous_cased = is_cased(c);
  });
}

std::string capitalize(std::string_view s) {
  bool first = true;
  return map_chars(s, [&](std::string& out, char32_t c) {
    if (first && c == 0xDF) {
      out += "Ss";
    } else {
      append(out, first ? to_title(c) : to_lower(c));
    }
    first = false;
  });
}

namespace {

// Byte offsets of each code point boundary, for stripping from the right.
template <typename Pred>
std::string_view strip_if(std::string_view s, bool left, bool right, Pred pred) {
  std::size_t begin = 0;
  std::size_t end = s.size();
  if (left) {
    while (begin < end) {
      std::size_t i = begin;
      if (!pred(next(s, i))) break;
      begin = i;
    }
  }
  if (right) {
    while (end > begin) {
      std::size_t start = end - 1;
      while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
      std::size_t i = start;
      char32_t c = next(s, i);
      if (i != end) {  // not a clean sequence: treat the last byte alone
        start = end - 1;
        c = static_cast<unsigned char>(s[start]);
      }
      if (!pred(c)) break;
      end = start;
    }
  }
  return s.substr(begin, end - begin);
}

}  // namespace

std::string_view strip(std::string_view s, bool left, bool right) {
  return strip_if(s, left, right, is_space);
}

std::string_view strip_chars(std::string_view s, std::string_view chars, bool left, bool right) {
  std::vector<char32_t> set = decode(chars);
  return strip_if(s, left, right,
                  [&](char32_t c) { return std::find(set.begin(), set.end(), c) != set.end(); });
}

std::vector<std::string> split_whitespace(std::string_view s, long maxsplit, bool from_right) {
  std::vector<char32_t> cps = decode(s);
  std::vector<std::pair<std::size_t, std::size_t>> words;  // code point ranges
  std::size_t n = cps.size();
  if (!from_right) {
    std::size_t i = 0;
    while (i < n) {
      while (i < n && is_space(cps[i])) ++i;
      if (i == n) break;
      if (maxsplit >= 0 && static_cast<long>(words.size()) == maxsplit) {
        words.emplace_back(i, n);  // the remainder keeps its trailing whitespace
        break;
      }
      std::size_t start = i;
      while (i < n && !is_space(cps[i])) ++i;
      words.emplace_back(start, i);
    }
  } else {
    std::size_t i = n;
    while (i > 0) {
      while (i > 0 && is_space(cps[i - 1])) --i;
      if (i == 0) break;
      if (maxsplit >= 0 && static_cast<long>(words.size()) == maxsplit) {
        words.emplace_back(0, i);  // the remainder keeps its leading whitespace
        break;
      }
      std::size_t end = i;
      while (i > 0 && !is_space(cps[i - 1])) --i;
      words.emplace_back(i, end);
    }
    std::reverse(words.begin(), words.end());
  }
  std::vector<std::string> out;
  for (auto [a, b] : words) {
    std::string w;
    for (std::size_t k = a; k < b; ++k) append(w, cps[k]);
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<std::string> split(std::string_view s, std::string_view sep, long maxsplit,
                               bool from_right) {
  std::vector<std::string> out;
  if (!from_right) {
    std::size_t pos = 0;
    while (maxsplit < 0 || static_cast<long>(out.size()) < maxsplit) {
      std::size_t hit = s.find(sep, pos);
      if (hit == std::string_view::npos) break;
      out.emplace_back(s.substr(pos, hit - pos));
      pos = hit + sep.size();
    }
    out.emplace_back(s.substr(pos));
    return out;
  }
  std::size_t end = s.size();
  while (maxsplit < 0 || static_cast<long>(out.size()) < maxsplit) {
    if (end < sep.size()) break;
    std::size_t hit = s.rfind(sep, end - sep.size());
    if (hit == std::string_view::npos) break;
    out.emplace_back(s.substr(hit + sep.size(), end - hit - sep.size()));
    end = hit;
  }
  out.emplace_back(s.substr(0, end));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> splitlines(std::string_view s, bool keepends) {
  std::vector<std::string> out;
  std::size_t start = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t at = i;
    char32_t c = next(s, i);
    if (!is_linebreak(c)) continue;
    std::size_t after = i;
    if (c == '\r' && i < s.size() && s[i] == '\n') after = ++i;
    out.emplace_back(s.substr(start, (keepends ? after : at) - start));
    start = after;
  }
  if (start < s.size()) out.emplace_back(s.substr(start));
  return out;
}

bool is_space_string(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size();) {
    if (!is_space(next(s, i))) return false;
  }
  return true;
}

}  // namespace llmctl::jinja::unicode
