// String literal escapes, decoded as Python's "unicode-escape" codec does
// (jinja2 decodes literals with it).
#include "text/jinja/lexer.hpp"

#include "text/jinja/error.hpp"
#include "text/jinja/unicode.hpp"

#include <cctype>
#include <cstdint>

namespace llmctl::jinja {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

}  // namespace

// Python's "unicode-escape" decoding of a string literal's body.
std::string decode_string_literal(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    char e = body[++i];
    auto read_hex = [&](int count, const char* what) {
      std::uint32_t v = 0;
      for (int k = 0; k < count; ++k) {
        if (i + 1 >= body.size() || !std::isxdigit(static_cast<unsigned char>(body[i + 1]))) {
          raise(ErrorKind::syntax, std::string("truncated ") + what + " escape");
        }
        v = v * 16 + static_cast<std::uint32_t>(hex_value(body[++i]));
      }
      return v;
    };
    switch (e) {
      case '\n': break;  // line continuation
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': unicode::append(out, read_hex(2, "\\xXX")); break;
      case 'u': unicode::append(out, read_hex(4, "\\uXXXX")); break;
      case 'U': {
        std::uint32_t v = read_hex(8, "\\UXXXXXXXX");
        if (v > 0x10FFFF) raise(ErrorKind::syntax, "illegal Unicode character");
        unicode::append(out, v);
        break;
      }
      case 'N': unsupported("\\N{...} escapes in string literals are not supported");
      default:
        if (e >= '0' && e <= '7') {
          std::uint32_t v = static_cast<std::uint32_t>(e - '0');
          for (int k = 0; k < 2 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7'; ++k) {
            v = v * 8 + static_cast<std::uint32_t>(body[++i] - '0');
          }
          unicode::append(out, v);
        } else {
          out += '\\';
          out += e;
        }
    }
  }
  return out;
}

}  // namespace llmctl::jinja
