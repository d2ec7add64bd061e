// Tokenizer with jinja2's exact whitespace rules: `-`/`+` markers,
// trim_blocks, lstrip_blocks, raw blocks and newline normalization. It runs
// on demand like jinja2's generator, so the first error in source order wins.
#pragma once

#include "text/jinja/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::jinja {

enum class Tok : std::uint8_t {
  data, variable_begin, variable_end, block_begin, block_end,
  name, string, integer, floating,
  // operators
  add, sub, div, floordiv, mul, mod, pow, tilde, lbracket, rbracket, lparen, rparen,
  lbrace, rbrace, eq, ne, gt, gteq, lt, lteq, assign, dot, colon, pipe, comma, semicolon,
  eof,
};

struct Token {
  Tok type = Tok::eof;
  std::string text;          // data, name and string (decoded) values
  std::int64_t integer = 0;
  double floating = 0.0;
  int line = 1;
  int column = 1;

  bool is_name(std::string_view name) const { return type == Tok::name && text == name; }
};

// jinja2's describe_token: what syntax errors call a token ("end of print statement").
std::string describe(Tok type);
std::string describe(const Token& token);

// The body of a string literal with its escapes decoded; raises a
// TemplateError without position for a bad escape.
std::string decode_string_literal(std::string_view body);

struct LexerOptions {
  bool trim_blocks = false;
  bool lstrip_blocks = false;
  bool keep_trailing_newline = false;
};

class Lexer {
 public:
  Lexer(std::string_view source, std::string template_name, LexerOptions options);

  Token next();  // Tok::eof forever once the source is consumed
  const std::string& template_name() const { return name_; }

 private:
  enum class State { root, block, variable };

  Token lex_root();
  Token lex_tag();
  Token make(Tok type, std::size_t at);
  void advance_to(std::size_t pos);  // moves pos_, counting lines
  [[noreturn]] void fail(const std::string& message, std::size_t at, ErrorKind kind = ErrorKind::syntax);
  void lex_comment();
  std::string strip_before_tag(std::string_view text, char sign, bool is_variable) const;
  std::size_t skip_space(std::size_t pos) const;  // past a run of Python whitespace
  std::size_t raw_begin_end(std::size_t tag_pos) const;
  Token lex_raw_body(std::size_t body, std::size_t tag_pos);

  std::string source_;
  std::string name_;
  LexerOptions options_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  bool line_starting_ = true;  // the previous match ended with a newline
  State state_ = State::root;
  std::vector<char> balance_;  // closing brackets expected inside a tag
  std::vector<Token> pending_;  // tokens produced ahead (data before a tag)
};

}  // namespace llmctl::jinja
