// Recursive-descent parser following jinja2's grammar (parser.py) rule for
// rule, so precedence, tuple handling and error messages agree.
#pragma once

#include "text/jinja/ast.hpp"
#include "text/jinja/lexer.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::jinja {

struct ParserOptions {
  LexerOptions lexer;
  bool loop_controls = false;   // jinja2.ext.loopcontrols: break and continue
  bool generation_tag = false;  // transformers' {% generation %} block
};

// Parses and analyzes a template: scopes, macro signatures and filter/test
// names are resolved here so rendering does no lookups by name.
std::shared_ptr<TemplateNode> parse_template(std::string_view source, std::string name,
                                             const ParserOptions& options);

class Parser {
 public:
  Parser(std::string_view source, std::string name, const ParserOptions& options);
  Body parse();

 private:
  // token stream
  void advance();
  const Token& look();
  bool skip_if(Tok type);
  bool skip_if_name(std::string_view name);
  Token expect(Tok type);
  Token expect_name(std::string_view name);
  [[noreturn]] void fail(const std::string& message, int line = 0, int column = 0,
                         ErrorKind kind = ErrorKind::syntax) const;
  [[noreturn]] void fail_unknown_tag(const std::string& name, const Token& at);
  [[noreturn]] void fail_eof(const std::vector<std::string>* end_tokens);
  [[noreturn]] void fail_ut_eof(const std::string* name, const std::vector<std::vector<std::string>>& stack,
                                int line);
  static Pos pos(const Token& t) { return {t.line, t.column}; }
  bool current_is_any(const std::vector<std::string>& names) const;

  // statements (parser.cpp)
  Body subparse(const std::vector<std::string>* end_tokens);
  Body parse_statements(const std::vector<std::string>& end_tokens, bool drop_needle);
  void parse_statement(Body& out);
  StmtPtr parse_for();
  StmtPtr parse_if();
  StmtPtr parse_set();
  StmtPtr parse_macro();
  StmtPtr parse_call_block();
  StmtPtr parse_filter_block();
  StmtPtr parse_with();
  void parse_print(Body& out);
  void parse_signature(std::vector<Param>& params);
  Target parse_assign_target(bool with_tuple = true, bool name_only = false,
                             const std::vector<std::string>* extra_end_rules = nullptr,
                             bool with_namespace = false);
  Target to_target(ExprPtr expr);

  // expressions (parser_expr.cpp)
 public:
  ExprPtr parse_expression(bool with_condexpr = true);
  ExprPtr parse_tuple(bool simplified = false, bool with_condexpr = true,
                      const std::vector<std::string>* extra_end_rules = nullptr,
                      bool explicit_parentheses = false, bool with_namespace = false);
  ExprPtr parse_filter(ExprPtr node, bool start_inline = false);

 private:
  ExprPtr parse_condexpr();
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_compare();
  ExprPtr parse_math1();
  ExprPtr parse_concat();
  ExprPtr parse_math2();
  ExprPtr parse_pow();
  ExprPtr parse_unary(bool with_filter = true);
  ExprPtr parse_primary(bool with_namespace = false);
  ExprPtr parse_list();
  ExprPtr parse_dict();
  ExprPtr parse_postfix(ExprPtr node);
  ExprPtr parse_filter_expr(ExprPtr node);
  ExprPtr parse_subscript(ExprPtr node);
  ExprPtr parse_subscribed();
  Arguments parse_call_args();
  ExprPtr parse_call(ExprPtr node);
  ExprPtr parse_test(ExprPtr node);
  bool is_tuple_end(const std::vector<std::string>* extra_end_rules) const;

  Lexer lexer_;
  ParserOptions options_;
  Token current_;
  std::optional<Token> peeked_;
  std::vector<std::string> tag_stack_;
  std::vector<std::vector<std::string>> end_token_stack_;
  int loop_depth_ = 0;  // for break/continue, which only work inside a loop body
  int nesting_ = 0;     // expression and block nesting, bounded like Python's recursion
  friend class Nesting;
};

// Bounds the parser's recursion: Python raises RecursionError on deeply
// nested templates; here it would exhaust the C++ stack.
class Nesting {
 public:
  explicit Nesting(Parser& p) : p_(p) {
    if (++p_.nesting_ > kMaxNesting) {
      --p_.nesting_;
      p_.fail("template nested too deeply", 0, 0, ErrorKind::recursion);
    }
  }
  ~Nesting() { --p_.nesting_; }
  Nesting(const Nesting&) = delete;
  Nesting& operator=(const Nesting&) = delete;

 private:
  static constexpr int kMaxNesting = 200;
  Parser& p_;
};

// analyze.cpp: scopes (which names start undefined), macro signature needs
// (caller/varargs/kwargs) and filter/test resolution.
void analyze_template(TemplateNode& root);

}  // namespace llmctl::jinja
