#include "text/jinja/parser.hpp"

#include <algorithm>
#include <set>

namespace llmctl::jinja {

namespace {

// jinja2 tags this engine does not implement: fail naming them.
bool is_unsupported_tag(std::string_view name) {
  static constexpr std::string_view kTags[] = {"block", "extends", "include", "import", "from", "autoescape"};
  return std::find(std::begin(kTags), std::end(kTags), name) != std::end(kTags);
}

}  // namespace

std::shared_ptr<TemplateNode> parse_template(std::string_view source, std::string name,
                                             const ParserOptions& options) {
  auto root = std::make_shared<TemplateNode>();
  root->name = name;
  Parser parser(source, std::move(name), options);
  root->body = parser.parse();
  analyze_template(*root);
  return root;
}

Parser::Parser(std::string_view source, std::string name, const ParserOptions& options)
    : lexer_(source, std::move(name), options.lexer), options_(options) {
  current_ = lexer_.next();
}

void Parser::advance() {
  if (peeked_) {
    current_ = std::move(*peeked_);
    peeked_.reset();
  } else if (current_.type != Tok::eof) {
    current_ = lexer_.next();
  }
}

const Token& Parser::look() {
  if (!peeked_) peeked_ = current_.type == Tok::eof ? current_ : lexer_.next();
  return *peeked_;
}

bool Parser::skip_if(Tok type) {
  if (current_.type != type) return false;
  advance();
  return true;
}

bool Parser::skip_if_name(std::string_view name) {
  if (!current_.is_name(name)) return false;
  advance();
  return true;
}

void Parser::fail(const std::string& message, int line, int column, ErrorKind kind) const {
  if (line == 0) {
    line = current_.line;
    column = current_.column;
  }
  throw TemplateError(kind, message, lexer_.template_name(), line, column);
}

Token Parser::expect(Tok type) {
  if (current_.type != type) {
    if (current_.type == Tok::eof) fail("unexpected end of template, expected '" + describe(type) + "'.");
    fail("expected token '" + describe(type) + "', got '" + describe(current_) + "'");
  }
  Token t = current_;
  advance();
  return t;
}

Token Parser::expect_name(std::string_view name) {
  if (!current_.is_name(name)) {
    if (current_.type == Tok::eof) fail("unexpected end of template, expected '" + std::string(name) + "'.");
    fail("expected token '" + std::string(name) + "', got '" + describe(current_) + "'");
  }
  Token t = current_;
  advance();
  return t;
}

bool Parser::current_is_any(const std::vector<std::string>& names) const {
  return current_.type == Tok::name && std::find(names.begin(), names.end(), current_.text) != names.end();
}

void Parser::fail_ut_eof(const std::string* name, const std::vector<std::vector<std::string>>& stack, int line) {
  std::set<std::string> expected;
  for (const auto& tokens : stack) expected.insert(tokens.begin(), tokens.end());
  std::string looking;
  if (!stack.empty()) {
    for (const auto& t : stack.back()) looking += (looking.empty() ? "'" : " or '") + t + "'";
  }
  std::string message = name ? "Encountered unknown tag '" + *name + "'." : "Unexpected end of template.";
  if (!looking.empty()) {
    if (name && expected.count(*name)) {
      message += " You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for " +
                 looking + ".";
    } else {
      message += " Jinja was looking for the following tags: " + looking + ".";
    }
  }
  if (!tag_stack_.empty()) message += " The innermost block that needs to be closed is '" + tag_stack_.back() + "'.";
  fail(message, line > 0 ? line : current_.line, line > 0 ? 0 : current_.column);
}

void Parser::fail_unknown_tag(const std::string& name, const Token& at) {
  fail_ut_eof(&name, end_token_stack_, at.line);
}

void Parser::fail_eof(const std::vector<std::string>* end_tokens) {
  auto stack = end_token_stack_;
  if (end_tokens) stack.push_back(*end_tokens);
  fail_ut_eof(nullptr, stack, 0);
}

Body Parser::parse() {
  Body body = subparse(nullptr);
  return body;
}

Body Parser::subparse(const std::vector<std::string>* end_tokens) {
  Body body;
  if (end_tokens) end_token_stack_.push_back(*end_tokens);
  while (current_.type != Tok::eof) {
    if (current_.type == Tok::data) {
      if (!current_.text.empty()) body.push_back(std::make_unique<TextStmt>(pos(current_), current_.text));
      advance();
    } else if (current_.type == Tok::variable_begin) {
      advance();
      Pos at = pos(current_);
      body.push_back(std::make_unique<PrintStmt>(at, parse_tuple(false, true)));
      expect(Tok::variable_end);
    } else if (current_.type == Tok::block_begin) {
      advance();
      if (end_tokens && current_is_any(*end_tokens)) {
        end_token_stack_.pop_back();
        return body;
      }
      parse_statement(body);
      expect(Tok::block_end);
    } else {
      fail("internal parsing error");
    }
  }
  if (end_tokens) end_token_stack_.pop_back();
  return body;
}

Body Parser::parse_statements(const std::vector<std::string>& end_tokens, bool drop_needle) {
  skip_if(Tok::colon);
  expect(Tok::block_end);
  Body result = subparse(&end_tokens);
  if (current_.type == Tok::eof) fail_eof(&end_tokens);
  if (drop_needle) advance();
  return result;
}

void Parser::parse_statement(Body& out) {
  Nesting nesting(*this);
  Token token = current_;
  if (token.type != Tok::name) fail("tag name expected", token.line, token.column);
  const std::string& tag = token.text;
  tag_stack_.push_back(tag);
  struct Pop {
    std::vector<std::string>& stack;
    bool active = true;
    ~Pop() {
      if (active) stack.pop_back();
    }
  } pop{tag_stack_};
  if (tag == "for") {
    out.push_back(parse_for());
  } else if (tag == "if") {
    out.push_back(parse_if());
  } else if (tag == "set") {
    out.push_back(parse_set());
  } else if (tag == "macro") {
    out.push_back(parse_macro());
  } else if (tag == "call") {
    out.push_back(parse_call_block());
  } else if (tag == "filter") {
    out.push_back(parse_filter_block());
  } else if (tag == "with") {
    out.push_back(parse_with());
  } else if (tag == "print") {
    parse_print(out);
  } else if (is_unsupported_tag(tag)) {
    fail("the '" + tag + "' tag is not supported by llmctl's template engine", token.line, token.column,
         ErrorKind::unsupported);
  } else if (options_.loop_controls && (tag == "break" || tag == "continue")) {
    if (loop_depth_ == 0) fail("'" + tag + "' outside loop", token.line, token.column);
    advance();
    out.push_back(std::make_unique<Stmt>(tag == "break" ? StmtKind::break_ : StmtKind::continue_, pos(token)));
  } else if (options_.generation_tag && tag == "generation") {
    advance();
    auto node = std::make_unique<BodyStmt>(StmtKind::generation, pos(token));
    node->body = parse_statements({"endgeneration"}, true);
    out.push_back(std::move(node));
  } else {
    tag_stack_.pop_back();  // the message names the enclosing block, not this tag
    pop.active = false;
    fail_unknown_tag(tag, token);
  }
}

StmtPtr Parser::parse_for() {
  auto node = std::make_unique<ForStmt>(pos(current_));
  advance();
  static const std::vector<std::string> kIn{"in"};
  static const std::vector<std::string> kRecursive{"recursive"};
  node->target = parse_assign_target(true, false, &kIn);
  expect_name("in");
  node->iter = parse_tuple(false, false, &kRecursive);
  if (skip_if_name("if")) node->filter = parse_expression();
  node->recursive = skip_if_name("recursive");
  ++loop_depth_;
  node->body = parse_statements({"endfor", "else"}, false);
  --loop_depth_;
  std::string needle = current_.text;
  advance();
  if (needle != "endfor") node->else_body = parse_statements({"endfor"}, true);
  return node;
}

StmtPtr Parser::parse_if() {
  auto node = std::make_unique<IfStmt>(pos(current_));
  advance();
  while (true) {
    ExprPtr test = parse_tuple(false, false);
    Body body = parse_statements({"elif", "else", "endif"}, false);
    node->branches.emplace_back(std::move(test), std::move(body));
    std::string needle = current_.text;
    advance();
    if (needle == "elif") continue;
    if (needle == "else") node->else_body = parse_statements({"endif"}, true);
    break;
  }
  return node;
}

StmtPtr Parser::parse_set() {
  Pos at = pos(current_);
  advance();
  Target target = parse_assign_target(true, false, nullptr, true);
  if (skip_if(Tok::assign)) {
    auto node = std::make_unique<SetStmt>(at);
    node->target = std::move(target);
    node->value = parse_tuple();
    return node;
  }
  auto node = std::make_unique<SetBlockStmt>(at);
  node->target = std::move(target);
  node->filter = parse_filter(nullptr);
  int saved = loop_depth_;
  loop_depth_ = 0;
  node->body = parse_statements({"endset"}, true);
  loop_depth_ = saved;
  return node;
}

void Parser::parse_signature(std::vector<Param>& params) {
  expect(Tok::lparen);
  bool has_defaults = false;
  while (current_.type != Tok::rparen) {
    if (!params.empty()) expect(Tok::comma);
    Target arg = parse_assign_target(true, true);
    Param param{arg.name, nullptr};
    if (skip_if(Tok::assign)) {
      param.default_value = parse_expression();
      has_defaults = true;
    } else if (has_defaults) {
      fail("non-default argument follows default argument");
    }
    params.push_back(std::move(param));
  }
  expect(Tok::rparen);
}

StmtPtr Parser::parse_macro() {
  auto node = std::make_unique<MacroStmt>(pos(current_));
  advance();
  node->def.name = parse_assign_target(true, true).name;
  parse_signature(node->def.params);
  int saved = loop_depth_;
  loop_depth_ = 0;
  node->def.body = parse_statements({"endmacro"}, true);
  loop_depth_ = saved;
  return node;
}

StmtPtr Parser::parse_call_block() {
  auto node = std::make_unique<CallBlockStmt>(pos(current_));
  advance();
  if (current_.type == Tok::lparen) parse_signature(node->caller.params);
  ExprPtr call = parse_expression();
  if (call->kind != ExprKind::call) fail("expected call", node->pos.line, node->pos.column);
  node->call.reset(static_cast<CallExpr*>(call.release()));
  node->caller.name = "caller";
  int saved = loop_depth_;
  loop_depth_ = 0;
  node->caller.body = parse_statements({"endcall"}, true);
  loop_depth_ = saved;
  return node;
}

StmtPtr Parser::parse_filter_block() {
  auto node = std::make_unique<FilterBlockStmt>(pos(current_));
  advance();
  node->filter = parse_filter(nullptr, true);
  node->body = parse_statements({"endfilter"}, true);
  return node;
}

StmtPtr Parser::parse_with() {
  auto node = std::make_unique<WithStmt>(pos(current_));
  advance();
  while (current_.type != Tok::block_end) {
    if (!node->targets.empty()) expect(Tok::comma);
    node->targets.push_back(parse_assign_target());
    expect(Tok::assign);
    node->values.push_back(parse_expression());
  }
  node->body = parse_statements({"endwith"}, true);
  return node;
}

void Parser::parse_print(Body& out) {
  advance();
  bool first = true;
  while (current_.type != Tok::block_end) {
    if (!first) expect(Tok::comma);
    first = false;
    Pos at = pos(current_);
    out.push_back(std::make_unique<PrintStmt>(at, parse_expression()));
  }
}

Target Parser::parse_assign_target(bool with_tuple, bool name_only,
                                   const std::vector<std::string>* extra_end_rules, bool with_namespace) {
  if (name_only) {
    Token token = expect(Tok::name);
    static const std::set<std::string> kConstants{"true", "false", "none", "True", "False", "None"};
    if (kConstants.count(token.text)) fail("can't assign to 'name'", token.line, token.column);
    Target t;
    t.pos = pos(token);
    t.name = token.text;
    return t;
  }
  ExprPtr expr = with_tuple ? parse_tuple(true, true, extra_end_rules, false, with_namespace)
                            : parse_primary(with_namespace);
  return to_target(std::move(expr));
}

// jinja2's can_assign(): names (not constants), namespace refs and tuples of them.
Target Parser::to_target(ExprPtr expr) {
  Target t;
  t.pos = expr->pos;
  switch (expr->kind) {
    case ExprKind::name:
      t.name = static_cast<NameExpr&>(*expr).name;
      return t;
    case ExprKind::nsref: {
      auto& ref = static_cast<GetattrExpr&>(*expr);
      t.kind = Target::Kind::ns_attr;
      t.name = static_cast<NameExpr&>(*ref.object).name;
      t.attr = ref.attr;
      return t;
    }
    case ExprKind::tuple:
      t.kind = Target::Kind::tuple;
      for (auto& item : static_cast<SeqExpr&>(*expr).items) t.items.push_back(to_target(std::move(item)));
      return t;
    default: break;
  }
  static const std::pair<ExprKind, const char*> kNames[] = {
      {ExprKind::constant, "const"}, {ExprKind::getattr, "getattr"}, {ExprKind::getitem, "getitem"},
      {ExprKind::slice, "slice"},    {ExprKind::list, "list"},       {ExprKind::dict, "dict"},
      {ExprKind::neg, "neg"},        {ExprKind::pos, "pos"},         {ExprKind::not_, "not"},
      {ExprKind::and_, "and"},       {ExprKind::or_, "or"},          {ExprKind::compare, "compare"},
      {ExprKind::concat, "concat"},  {ExprKind::call, "call"},       {ExprKind::filter, "filter"},
      {ExprKind::test, "test"},      {ExprKind::cond, "condexpr"},
  };
  std::string kind = "expr";
  for (const auto& [k, n] : kNames) {
    if (k == expr->kind) kind = n;
  }
  if (expr->kind == ExprKind::binary) {
    static const char* kOps[] = {"add", "sub", "mul", "div", "floordiv", "mod", "pow"};
    kind = kOps[static_cast<int>(static_cast<BinaryExpr&>(*expr).op)];
  }
  fail("can't assign to '" + kind + "'", expr->pos.line, expr->pos.column);
}

}  // namespace llmctl::jinja
