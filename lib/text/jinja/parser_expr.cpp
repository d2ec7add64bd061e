// Expressions, following jinja2's parser.py precedence levels:
// condexpr < or < and < not < compare < + - < ~ < * / // % < ** < unary,
// then postfix (attributes, items, calls), filters and tests.
#include "text/jinja/parser.hpp"

#include <algorithm>

namespace llmctl::jinja {

namespace {

std::optional<CmpOp> compare_op(Tok t) {
  switch (t) {
    case Tok::eq: return CmpOp::eq;
    case Tok::ne: return CmpOp::ne;
    case Tok::lt: return CmpOp::lt;
    case Tok::lteq: return CmpOp::le;
    case Tok::gt: return CmpOp::gt;
    case Tok::gteq: return CmpOp::ge;
    default: return std::nullopt;
  }
}

}  // namespace

ExprPtr Parser::parse_expression(bool with_condexpr) {
  Nesting nesting(*this);
  return with_condexpr ? parse_condexpr() : parse_or();
}

ExprPtr Parser::parse_condexpr() {
  Pos at = pos(current_);
  ExprPtr expr1 = parse_or();
  while (skip_if_name("if")) {
    auto node = std::make_unique<CondExpr>(at);
    node->test = parse_or();
    if (skip_if_name("else")) node->otherwise = parse_condexpr();
    node->then = std::move(expr1);
    expr1 = std::move(node);
    at = pos(current_);
  }
  return expr1;
}

ExprPtr Parser::parse_or() {
  ExprPtr left = parse_and();
  while (current_.is_name("or")) {
    Pos at = pos(current_);
    advance();
    left = std::make_unique<BinaryExpr>(ExprKind::or_, at, BinOp::add, std::move(left), parse_and());
  }
  return left;
}

ExprPtr Parser::parse_and() {
  ExprPtr left = parse_not();
  while (current_.is_name("and")) {
    Pos at = pos(current_);
    advance();
    left = std::make_unique<BinaryExpr>(ExprKind::and_, at, BinOp::add, std::move(left), parse_not());
  }
  return left;
}

ExprPtr Parser::parse_not() {
  if (current_.is_name("not")) {
    Pos at = pos(current_);
    advance();
    return std::make_unique<UnaryExpr>(ExprKind::not_, at, parse_not());
  }
  return parse_compare();
}

ExprPtr Parser::parse_compare() {
  Pos at = pos(current_);
  ExprPtr expr = parse_math1();
  std::unique_ptr<CompareExpr> node;
  while (true) {
    std::optional<CmpOp> op = compare_op(current_.type);
    if (op) {
      advance();
    } else if (skip_if_name("in")) {
      op = CmpOp::in;
    } else if (current_.is_name("not") && look().is_name("in")) {
      advance();
      advance();
      op = CmpOp::not_in;
    } else {
      break;
    }
    if (!node) node = std::make_unique<CompareExpr>(at, std::move(expr));
    node->rest.emplace_back(*op, parse_math1());
  }
  if (!node) return expr;
  return node;
}

ExprPtr Parser::parse_math1() {
  ExprPtr left = parse_concat();
  while (current_.type == Tok::add || current_.type == Tok::sub) {
    BinOp op = current_.type == Tok::add ? BinOp::add : BinOp::sub;
    Pos at = pos(current_);
    advance();
    left = std::make_unique<BinaryExpr>(ExprKind::binary, at, op, std::move(left), parse_concat());
  }
  return left;
}

ExprPtr Parser::parse_concat() {
  Pos at = pos(current_);
  ExprPtr first = parse_math2();
  if (current_.type != Tok::tilde) return first;
  auto node = std::make_unique<ConcatExpr>(at);
  node->items.push_back(std::move(first));
  while (skip_if(Tok::tilde)) node->items.push_back(parse_math2());
  return node;
}

ExprPtr Parser::parse_math2() {
  ExprPtr left = parse_pow();
  while (true) {
    BinOp op;
    switch (current_.type) {
      case Tok::mul: op = BinOp::mul; break;
      case Tok::div: op = BinOp::div; break;
      case Tok::floordiv: op = BinOp::floordiv; break;
      case Tok::mod: op = BinOp::mod; break;
      default: return left;
    }
    Pos at = pos(current_);
    advance();
    left = std::make_unique<BinaryExpr>(ExprKind::binary, at, op, std::move(left), parse_pow());
  }
}

ExprPtr Parser::parse_pow() {
  ExprPtr left = parse_unary();
  while (current_.type == Tok::pow) {  // left-associative in jinja2, unlike Python
    Pos at = pos(current_);
    advance();
    left = std::make_unique<BinaryExpr>(ExprKind::binary, at, BinOp::pow, std::move(left), parse_unary());
  }
  return left;
}

ExprPtr Parser::parse_unary(bool with_filter) {
  Nesting nesting(*this);  // also bounds chains of unary minus
  Pos at = pos(current_);
  ExprPtr node;
  if (skip_if(Tok::sub)) {
    node = std::make_unique<UnaryExpr>(ExprKind::neg, at, parse_unary(false));
  } else if (skip_if(Tok::add)) {
    node = std::make_unique<UnaryExpr>(ExprKind::pos, at, parse_unary(false));
  } else {
    node = parse_primary();
  }
  node = parse_postfix(std::move(node));
  if (with_filter) node = parse_filter_expr(std::move(node));
  return node;
}

ExprPtr Parser::parse_primary(bool with_namespace) {
  Token token = current_;
  Pos at = pos(token);
  switch (token.type) {
    case Tok::name: {
      advance();
      const std::string& n = token.text;
      if (n == "true" || n == "True") return std::make_unique<ConstExpr>(at, Value(true));
      if (n == "false" || n == "False") return std::make_unique<ConstExpr>(at, Value(false));
      if (n == "none" || n == "None") return std::make_unique<ConstExpr>(at, Value::none());
      if (with_namespace && current_.type == Tok::dot) {
        advance();
        Token attr = expect(Tok::name);
        return std::make_unique<GetattrExpr>(at, std::make_unique<NameExpr>(at, n), attr.text, ExprKind::nsref);
      }
      return std::make_unique<NameExpr>(at, n);
    }
    case Tok::string: {
      advance();
      std::string text = token.text;
      while (current_.type == Tok::string) {  // adjacent literals concatenate
        text += current_.text;
        advance();
      }
      return std::make_unique<ConstExpr>(at, Value(std::move(text)));
    }
    case Tok::integer: advance(); return std::make_unique<ConstExpr>(at, Value(token.integer));
    case Tok::floating: advance(); return std::make_unique<ConstExpr>(at, Value(token.floating));
    case Tok::lparen: {
      advance();
      ExprPtr node = parse_tuple(false, true, nullptr, true);
      expect(Tok::rparen);
      return node;
    }
    case Tok::lbracket: return parse_list();
    case Tok::lbrace: return parse_dict();
    default: fail("unexpected '" + describe(token) + "'", token.line, token.column);
  }
}

bool Parser::is_tuple_end(const std::vector<std::string>* extra_end_rules) const {
  if (current_.type == Tok::variable_end || current_.type == Tok::block_end || current_.type == Tok::rparen) {
    return true;
  }
  return extra_end_rules && current_is_any(*extra_end_rules);
}

ExprPtr Parser::parse_tuple(bool simplified, bool with_condexpr, const std::vector<std::string>* extra_end_rules,
                            bool explicit_parentheses, bool with_namespace) {
  Pos at = pos(current_);
  std::vector<ExprPtr> args;
  bool is_tuple = false;
  while (true) {
    if (!args.empty()) expect(Tok::comma);
    if (is_tuple_end(extra_end_rules)) break;
    args.push_back(simplified ? parse_primary(with_namespace) : parse_expression(with_condexpr));
    if (current_.type == Tok::comma) {
      is_tuple = true;
    } else {
      break;
    }
  }
  if (!is_tuple) {
    if (!args.empty()) return std::move(args[0]);
    if (!explicit_parentheses) fail("Expected an expression, got '" + describe(current_) + "'");
  }
  auto node = std::make_unique<SeqExpr>(ExprKind::tuple, at);
  node->items = std::move(args);
  return node;
}

ExprPtr Parser::parse_list() {
  auto node = std::make_unique<SeqExpr>(ExprKind::list, pos(current_));
  expect(Tok::lbracket);
  while (current_.type != Tok::rbracket) {
    if (!node->items.empty()) expect(Tok::comma);
    if (current_.type == Tok::rbracket) break;
    node->items.push_back(parse_expression());
  }
  expect(Tok::rbracket);
  return node;
}

ExprPtr Parser::parse_dict() {
  auto node = std::make_unique<DictExpr>(pos(current_));
  expect(Tok::lbrace);
  while (current_.type != Tok::rbrace) {
    if (!node->items.empty()) expect(Tok::comma);
    if (current_.type == Tok::rbrace) break;
    ExprPtr key = parse_expression();
    expect(Tok::colon);
    node->items.emplace_back(std::move(key), parse_expression());
  }
  expect(Tok::rbrace);
  return node;
}

ExprPtr Parser::parse_postfix(ExprPtr node) {
  while (true) {
    if (current_.type == Tok::dot || current_.type == Tok::lbracket) {
      node = parse_subscript(std::move(node));
    } else if (current_.type == Tok::lparen) {
      node = parse_call(std::move(node));
    } else {
      return node;
    }
  }
}

ExprPtr Parser::parse_filter_expr(ExprPtr node) {
  while (true) {
    if (current_.type == Tok::pipe) {
      node = parse_filter(std::move(node));
    } else if (current_.is_name("is")) {
      node = parse_test(std::move(node));
    } else if (current_.type == Tok::lparen) {
      node = parse_call(std::move(node));
    } else {
      return node;
    }
  }
}

ExprPtr Parser::parse_subscript(ExprPtr node) {
  Token token = current_;
  advance();
  if (token.type == Tok::dot) {
    Token attr = current_;
    advance();
    if (attr.type == Tok::name) return std::make_unique<GetattrExpr>(pos(token), std::move(node), attr.text);
    if (attr.type != Tok::integer) fail("expected name or number", attr.line, attr.column);
    return std::make_unique<GetitemExpr>(pos(token), std::move(node),
                                         std::make_unique<ConstExpr>(pos(attr), Value(attr.integer)));
  }
  std::vector<ExprPtr> args;
  while (current_.type != Tok::rbracket) {
    if (!args.empty()) expect(Tok::comma);
    args.push_back(parse_subscribed());
  }
  expect(Tok::rbracket);
  ExprPtr key;
  if (args.size() == 1) {
    key = std::move(args[0]);
  } else {
    auto tuple = std::make_unique<SeqExpr>(ExprKind::tuple, pos(token));
    tuple->items = std::move(args);
    key = std::move(tuple);
  }
  return std::make_unique<GetitemExpr>(pos(token), std::move(node), std::move(key));
}

ExprPtr Parser::parse_subscribed() {
  Pos at = pos(current_);
  auto slice = std::make_unique<SliceExpr>(at);
  if (current_.type == Tok::colon) {
    advance();
  } else {
    ExprPtr node = parse_expression();
    if (current_.type != Tok::colon) return node;
    advance();
    slice->start = std::move(node);
  }
  if (current_.type != Tok::colon && current_.type != Tok::rbracket && current_.type != Tok::comma) {
    slice->stop = parse_expression();
  }
  if (current_.type == Tok::colon) {
    advance();
    if (current_.type != Tok::rbracket && current_.type != Tok::comma) slice->step = parse_expression();
  }
  return slice;
}

Arguments Parser::parse_call_args() {
  Token token = expect(Tok::lparen);
  Arguments args;
  bool require_comma = false;
  auto ensure = [&](bool ok) {
    if (!ok) fail("invalid syntax for function call expression", token.line, token.column);
  };
  while (current_.type != Tok::rparen) {
    if (require_comma) {
      expect(Tok::comma);
      if (current_.type == Tok::rparen) break;  // trailing comma
    }
    if (current_.type == Tok::mul) {
      ensure(!args.star && !args.star_star);
      advance();
      args.star = parse_expression();
    } else if (current_.type == Tok::pow) {
      ensure(!args.star_star);
      advance();
      args.star_star = parse_expression();
    } else if (current_.type == Tok::name && look().type == Tok::assign) {
      ensure(!args.star_star);
      std::string key = current_.text;
      advance();
      advance();
      args.keywords.emplace_back(std::move(key), parse_expression());
    } else {
      ensure(!args.star && !args.star_star && args.keywords.empty());
      args.positional.push_back(parse_expression());
    }
    require_comma = true;
  }
  expect(Tok::rparen);
  return args;
}

ExprPtr Parser::parse_call(ExprPtr node) {
  Pos at = pos(current_);
  auto call = std::make_unique<CallExpr>(at, std::move(node));
  call->args = parse_call_args();
  return call;
}

ExprPtr Parser::parse_filter(ExprPtr node, bool start_inline) {
  while (current_.type == Tok::pipe || start_inline) {
    if (!start_inline) advance();
    Token token = expect(Tok::name);
    std::string name = token.text;
    while (skip_if(Tok::dot)) name += "." + expect(Tok::name).text;
    auto filter = std::make_unique<FilterExpr>(pos(token), std::move(node), std::move(name));
    if (current_.type == Tok::lparen) filter->args = parse_call_args();
    node = std::move(filter);
    start_inline = false;
  }
  return node;
}

ExprPtr Parser::parse_test(ExprPtr node) {
  Token token = current_;  // `is`
  advance();
  bool negated = skip_if_name("not");
  std::string name = expect(Tok::name).text;
  while (skip_if(Tok::dot)) name += "." + expect(Tok::name).text;
  auto test = std::make_unique<TestExpr>(pos(token), std::move(node), std::move(name));
  Tok t = current_.type;
  if (t == Tok::lparen) {
    test->args = parse_call_args();
  } else if ((t == Tok::name || t == Tok::string || t == Tok::integer || t == Tok::floating ||
              t == Tok::lbracket || t == Tok::lbrace) &&
             !current_.is_name("else") && !current_.is_name("or") && !current_.is_name("and")) {
    if (current_.is_name("is")) fail("You cannot chain multiple tests with is");
    test->args.positional.push_back(parse_postfix(parse_primary()));
  }
  if (negated) return std::make_unique<UnaryExpr>(ExprKind::not_, pos(token), std::move(test));
  return test;
}

}  // namespace llmctl::jinja
