#include "text/jinja/lexer.hpp"

#include "text/jinja/error.hpp"
#include "text/jinja/unicode.hpp"
#include "text/jinja/value.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace llmctl::jinja {

namespace {

struct OperatorSpelling {
  std::string_view text;
  Tok type;
};

// Longest first, as jinja2's operator regex tries them.
constexpr OperatorSpelling kOperators[] = {
    {"//", Tok::floordiv}, {"**", Tok::pow}, {"==", Tok::eq}, {"!=", Tok::ne},
    {">=", Tok::gteq},     {"<=", Tok::lteq}, {"+", Tok::add}, {"-", Tok::sub},
    {"/", Tok::div},       {"*", Tok::mul},   {"%", Tok::mod}, {"~", Tok::tilde},
    {"[", Tok::lbracket},  {"]", Tok::rbracket}, {"(", Tok::lparen}, {")", Tok::rparen},
    {"{", Tok::lbrace},    {"}", Tok::rbrace},   {">", Tok::gt},     {"<", Tok::lt},
    {"=", Tok::assign},    {".", Tok::dot},      {":", Tok::colon},  {"|", Tok::pipe},
    {",", Tok::comma},     {";", Tok::semicolon},
};

bool is_digit_in_base(char c, int base) {
  if (base == 2) return c == '0' || c == '1';
  if (base == 8) return c >= '0' && c <= '7';
  if (base == 16) return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  return c >= '0' && c <= '9';
}

// (_?D)+ for digits D of `base`, starting at p; returns the end (p if none).
std::size_t scan_prefixed_digits(std::string_view s, std::size_t p, int base) {
  std::size_t end = p;
  while (true) {
    std::size_t q = end;
    if (q < s.size() && s[q] == '_') ++q;
    if (q < s.size() && is_digit_in_base(s[q], base)) {
      end = q + 1;
    } else {
      return end;
    }
  }
}

// (\d+_)*\d+ starting at p; returns the end, or npos when no digit is there.
std::size_t scan_digit_groups(std::string_view s, std::size_t p) {
  if (p >= s.size() || !is_digit_in_base(s[p], 10)) return std::string_view::npos;
  while (true) {
    while (p < s.size() && is_digit_in_base(s[p], 10)) ++p;
    if (p + 1 < s.size() && s[p] == '_' && is_digit_in_base(s[p + 1], 10)) {
      ++p;
      continue;
    }
    return p;
  }
}

std::size_t scan_exponent(std::string_view s, std::size_t p) {
  if (p >= s.size() || (s[p] != 'e' && s[p] != 'E')) return std::string_view::npos;
  ++p;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
  return scan_digit_groups(s, p);
}

std::string without_underscores(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '_') out += c;
  }
  return out;
}

}  // namespace

std::string describe(Tok type) {
  for (const auto& op : kOperators) {
    if (op.type == type) return std::string(op.text);
  }
  switch (type) {
    case Tok::data: return "template data / text";
    case Tok::variable_begin: return "begin of print statement";
    case Tok::variable_end: return "end of print statement";
    case Tok::block_begin: return "begin of statement block";
    case Tok::block_end: return "end of statement block";
    case Tok::name: return "name";
    case Tok::string: return "string";
    case Tok::integer: return "integer";
    case Tok::floating: return "float";
    case Tok::eof: return "end of template";
    default: return "operator";
  }
}

std::string describe(const Token& token) {
  return token.type == Tok::name ? token.text : describe(token.type);
}

Lexer::Lexer(std::string_view source, std::string template_name, LexerOptions options)
    : name_(std::move(template_name)), options_(options) {
  // jinja2 normalizes \r\n and \r to \n and drops one trailing newline.
  source_.reserve(source.size());
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
      source_ += '\n';
    } else {
      source_ += source[i];
    }
  }
  if (!options_.keep_trailing_newline && !source_.empty() && source_.back() == '\n') source_.pop_back();
}

void Lexer::fail(const std::string& message, std::size_t at, ErrorKind kind) {
  advance_to(at);
  throw TemplateError(kind, message, name_, line_,
                      static_cast<int>(unicode::length(std::string_view(source_).substr(line_start_, at - line_start_))) + 1);
}

void Lexer::advance_to(std::size_t pos) {
  for (std::size_t i = pos_; i < pos && i < source_.size(); ++i) {
    if (source_[i] == '\n') {
      ++line_;
      line_start_ = i + 1;
    }
  }
  pos_ = pos;
}

Token Lexer::make(Tok type, std::size_t at) {
  Token t;
  t.type = type;
  std::size_t line_start = line_start_;
  int line = line_;
  for (std::size_t i = pos_; i < at; ++i) {  // tokens may start after pos_ (data before a tag)
    if (source_[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  t.line = line;
  t.column = static_cast<int>(unicode::length(std::string_view(source_).substr(line_start, at - line_start))) + 1;
  return t;
}

Token Lexer::next() {
  if (!pending_.empty()) {
    Token t = std::move(pending_.front());
    pending_.erase(pending_.begin());
    return t;
  }
  return state_ == State::root ? lex_root() : lex_tag();
}

std::string Lexer::strip_before_tag(std::string_view text, char sign, bool is_variable) const {
  if (sign == '-') return std::string(unicode::strip(text, false, true));
  if (sign != '+' && options_.lstrip_blocks && !is_variable) {
    std::size_t l_pos = text.rfind('\n');
    l_pos = l_pos == std::string_view::npos ? 0 : l_pos + 1;
    if ((l_pos > 0 || line_starting_) && unicode::is_space_string(text.substr(l_pos))) {
      return std::string(text.substr(0, l_pos));
    }
  }
  return std::string(text);
}

std::size_t Lexer::skip_space(std::size_t q) const {
  std::string_view src(source_);
  while (q < src.size()) {
    std::size_t k = q;
    if (!unicode::is_space(unicode::next(src, k))) break;
    q = k;
  }
  return q;
}

Token Lexer::lex_root() {
  std::string_view src(source_);
  while (true) {
    if (pos_ >= src.size()) return make(Tok::eof, pos_);
    std::size_t p = pos_;
    while (true) {
      p = src.find('{', p);
      if (p == std::string_view::npos || p + 1 >= src.size()) {
        p = std::string_view::npos;
        break;
      }
      char c = src[p + 1];
      if (c == '{' || c == '%' || c == '#') break;
      ++p;
    }
    if (p == std::string_view::npos) {  // only text is left
      Token data = make(Tok::data, pos_);
      data.text = std::string(src.substr(pos_));
      advance_to(src.size());
      return data;
    }
    char kind = src[p + 1];
    char sign = p + 2 < src.size() && (src[p + 2] == '-' || src[p + 2] == '+') ? src[p + 2] : 0;
    std::size_t after = p + 2 + (sign ? 1 : 0);

    Token data = make(Tok::data, pos_);
    data.text = strip_before_tag(src.substr(pos_, p - pos_), sign, kind == '{');
    bool has_data = !data.text.empty();
    std::size_t raw_body = kind == '%' ? raw_begin_end(p) : 0;
    if (raw_body != 0) {
      line_starting_ = src[raw_body - 1] == '\n';
      Token raw = lex_raw_body(raw_body, p);
      if (!raw.text.empty()) pending_.push_back(std::move(raw));
      if (has_data) return data;
      if (!pending_.empty()) return next();
      continue;
    }
    line_starting_ = false;
    if (kind == '#') {
      advance_to(after);
      lex_comment();
      if (has_data) return data;
      continue;
    }
    Token begin = make(kind == '{' ? Tok::variable_begin : Tok::block_begin, p);
    advance_to(after);
    state_ = kind == '{' ? State::variable : State::block;
    if (has_data) {
      pending_.push_back(std::move(begin));
      return data;
    }
    return begin;
  }
}

// `{%(-|+|)\s*raw\s*(-%}\s*|%})` at tag_pos: returns where the raw body
// starts, or 0 when the tag is not a raw tag.
std::size_t Lexer::raw_begin_end(std::size_t tag_pos) const {
  std::string_view src(source_);
  std::size_t q = tag_pos + 2;
  if (q < src.size() && (src[q] == '-' || src[q] == '+')) ++q;
  q = skip_space(q);
  if (src.substr(q, 3) != "raw") return 0;
  q = skip_space(q + 3);
  if (src.substr(q, 3) == "-%}") return skip_space(q + 3);
  if (src.substr(q, 2) == "%}") return q + 2;
  return 0;
}

// The body of a raw block up to its {% endraw %}, which is consumed too.
Token Lexer::lex_raw_body(std::size_t body, std::size_t tag_pos) {
  std::string_view src(source_);
  std::size_t search = body;
  while (true) {
    std::size_t end_tag = src.find("{%", search);
    if (end_tag == std::string_view::npos) {
      if (body < src.size()) fail("Missing end of raw directive", tag_pos);
      advance_to(src.size());
      return make(Tok::data, pos_);
    }
    std::size_t e = end_tag + 2;
    char sign = e < src.size() && (src[e] == '-' || src[e] == '+') ? src[e] : 0;
    if (sign) ++e;
    e = skip_space(e);
    std::size_t close = 0;
    if (src.substr(e, 6) == "endraw") {
      e = skip_space(e + 6);
      if (src.substr(e, 3) == "+%}") {
        close = e + 3;
      } else if (src.substr(e, 3) == "-%}") {
        close = skip_space(e + 3);
      } else if (src.substr(e, 2) == "%}") {
        close = e + 2;
        if (options_.trim_blocks && close < src.size() && src[close] == '\n') ++close;
      }
    }
    if (close == 0) {
      search = end_tag + 1;
      continue;
    }
    Token out = make(Tok::data, body);
    out.text = strip_before_tag(src.substr(body, end_tag - body), sign, false);
    line_starting_ = src[close - 1] == '\n';
    advance_to(close);
    return out;
  }
}

void Lexer::lex_comment() {
  std::string_view src(source_);
  std::size_t close = src.find("#}", pos_);
  if (close == std::string_view::npos) {
    if (pos_ >= src.size()) return;
    fail("Missing end of comment tag", pos_);
  }
  std::size_t end;
  if (close > pos_ && (src[close - 1] == '-' || src[close - 1] == '+')) {
    end = close + 2;
    if (src[close - 1] == '-') end = skip_space(end);
  } else {
    end = close + 2;
    if (options_.trim_blocks && end < src.size() && src[end] == '\n') ++end;
  }
  line_starting_ = src[end - 1] == '\n';
  advance_to(end);
}

Token Lexer::lex_tag() {
  std::string_view src(source_);
  while (true) {
    if (pos_ >= src.size()) return make(Tok::eof, pos_);
    // The end of the tag, unless brackets are still open (then `}}` is two braces).
    if (balance_.empty()) {
      std::size_t end = 0;
      bool block = state_ == State::block;
      std::string_view close = block ? "%}" : "}}";
      if (block && src.substr(pos_, 3) == "+%}") {
        end = pos_ + 3;
      } else if (src.substr(pos_, 1) == "-" && src.substr(pos_ + 1, 2) == close) {
        end = skip_space(pos_ + 3);
      } else if (src.substr(pos_, 2) == close) {
        end = pos_ + 2;
        if (block && options_.trim_blocks && end < src.size() && src[end] == '\n') ++end;
      }
      if (end != 0) {
        Token t = make(block ? Tok::block_end : Tok::variable_end, pos_);
        line_starting_ = src[end - 1] == '\n';
        advance_to(end);
        state_ = State::root;
        return t;
      }
    }
    std::size_t after_space = skip_space(pos_);
    if (after_space != pos_) {
      advance_to(after_space);
      continue;
    }
    char c = src[pos_];
    // float: (?<!\.)(\d+_)*\d+((\.(\d+_)*\d+)?e[+-]?(\d+_)*\d+|\.(\d+_)*\d+)
    if (std::isdigit(static_cast<unsigned char>(c)) && (pos_ == 0 || src[pos_ - 1] != '.')) {
      std::size_t int_end = scan_digit_groups(src, pos_);
      std::size_t end = std::string_view::npos;
      std::size_t frac_end = int_end < src.size() && src[int_end] == '.' ? scan_digit_groups(src, int_end + 1)
                                                                           : std::string_view::npos;
      if (frac_end != std::string_view::npos) end = scan_exponent(src, frac_end);
      if (end == std::string_view::npos) end = scan_exponent(src, int_end);
      if (end == std::string_view::npos) end = frac_end;
      if (end != std::string_view::npos) {
        Token t = make(Tok::floating, pos_);
        t.floating = std::strtod(without_underscores(src.substr(pos_, end - pos_)).c_str(), nullptr);
        advance_to(end);
        return t;
      }
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      int base = 10;
      std::size_t digits = pos_;
      std::size_t end = pos_ + 1;
      if (c == '0' && pos_ + 1 < src.size()) {
        char p = static_cast<char>(src[pos_ + 1] | 0x20);
        base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 10;
        if (base != 10) {
          end = scan_prefixed_digits(src, pos_ + 2, base);
          digits = pos_ + 2;
          if (end == pos_ + 2) base = 10;  // "0x" alone: the integer 0, then a name
        }
        if (base == 10) {
          digits = pos_;
          end = pos_ + 1;
          while (true) {  // 0(_?0)*
            std::size_t q = end < src.size() && src[end] == '_' ? end + 1 : end;
            if (q < src.size() && src[q] == '0') {
              end = q + 1;
            } else {
              break;
            }
          }
        }
      } else if (c != '0') {
        end = scan_prefixed_digits(src, pos_ + 1, 10);
      }
      std::string text = without_underscores(src.substr(digits, end - digits));
      errno = 0;
      char* parse_end = nullptr;
      long long value = std::strtoll(text.c_str(), &parse_end, base);
      if (errno == ERANGE) {
        fail("integer literal " + std::string(src.substr(pos_, end - pos_)) + " does not fit in 64 bits", pos_);
      }
      Token t = make(Tok::integer, pos_);
      t.integer = value;
      advance_to(end);
      return t;
    }
    {
      std::size_t k = pos_;
      char32_t cp = unicode::next(src, k);
      if (cp == '_' || unicode::is_alpha(cp)) {
        std::size_t end = k;
        while (end < src.size()) {
          std::size_t q = end;
          if (!unicode::is_word(unicode::next(src, q))) break;
          end = q;
        }
        Token t = make(Tok::name, pos_);
        t.text = std::string(src.substr(pos_, end - pos_));
        advance_to(end);
        return t;
      }
    }
    if (c == '\'' || c == '"') {
      std::size_t p = pos_ + 1;
      while (p < src.size() && src[p] != c) p += src[p] == '\\' ? 2 : 1;
      if (p < src.size()) {
        Token t = make(Tok::string, pos_);
        try {
          t.text = decode_string_literal(src.substr(pos_ + 1, p - pos_ - 1));
        } catch (const TemplateError& e) {
          fail(e.message(), pos_, e.kind());
        }
        advance_to(p + 1);
        return t;
      }
    }
    for (const auto& op : kOperators) {
      if (src.substr(pos_, op.text.size()) != op.text) continue;
      if (op.type == Tok::lparen || op.type == Tok::lbracket || op.type == Tok::lbrace) {
        balance_.push_back(op.type == Tok::lparen ? ')' : op.type == Tok::lbracket ? ']' : '}');
      } else if (op.type == Tok::rparen || op.type == Tok::rbracket || op.type == Tok::rbrace) {
        if (balance_.empty()) fail("unexpected '" + std::string(op.text) + "'", pos_);
        char expected = balance_.back();
        balance_.pop_back();
        if (expected != op.text[0]) {
          fail("unexpected '" + std::string(op.text) + "', expected '" + std::string(1, expected) + "'", pos_);
        }
      }
      Token t = make(op.type, pos_);
      advance_to(pos_ + op.text.size());
      return t;
    }
    std::size_t k = pos_;
    char32_t bad = unicode::next(src, k);
    fail("unexpected char " + string_repr(unicode::encode(bad)) + " at " +
             std::to_string(unicode::length(src.substr(0, pos_))),
         pos_);
  }
}

}  // namespace llmctl::jinja
