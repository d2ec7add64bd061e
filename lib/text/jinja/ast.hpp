// The syntax tree the parser builds and the renderer walks. Nodes are plain
// structs tagged with a kind; positions are kept for error messages.
#pragma once

#include "text/jinja/value.hpp"

#include <memory>
#include <string>
#include <vector>

namespace llmctl::jinja {

struct Pos {
  int line = 0;
  int column = 0;
};

// ---- expressions ---------------------------------------------------------
enum class ExprKind : std::uint8_t {
  constant, name, getattr, nsref, getitem, slice, list, tuple, dict, neg, pos, not_, and_, or_,
  binary, compare, concat, call, filter, test, cond,
};

enum class BinOp : std::uint8_t { add, sub, mul, div, floordiv, mod, pow };
enum class CmpOp : std::uint8_t { eq, ne, lt, le, gt, ge, in, not_in };

struct Expr {
  Expr(ExprKind k, Pos p) : kind(k), pos(p) {}
  virtual ~Expr() = default;
  ExprKind kind;
  Pos pos;
};
using ExprPtr = std::unique_ptr<Expr>;

struct ConstExpr : Expr {
  ConstExpr(Pos p, Value v) : Expr(ExprKind::constant, p), value(std::move(v)) {}
  Value value;
};

struct NameExpr : Expr {
  NameExpr(Pos p, std::string n) : Expr(ExprKind::name, p), name(std::move(n)) {}
  std::string name;
};

// Also `ns.attr` as an assignment target (kind nsref, object a NameExpr).
struct GetattrExpr : Expr {
  GetattrExpr(Pos p, ExprPtr o, std::string a, ExprKind k = ExprKind::getattr)
      : Expr(k, p), object(std::move(o)), attr(std::move(a)) {}
  ExprPtr object;
  std::string attr;
};

struct GetitemExpr : Expr {
  GetitemExpr(Pos p, ExprPtr o, ExprPtr k) : Expr(ExprKind::getitem, p), object(std::move(o)), key(std::move(k)) {}
  ExprPtr object;
  ExprPtr key;  // a SliceExpr for x[a:b:c]
};

struct SliceExpr : Expr {
  explicit SliceExpr(Pos p) : Expr(ExprKind::slice, p) {}
  ExprPtr start, stop, step;  // null: omitted
};

struct SeqExpr : Expr {  // list and tuple literals
  SeqExpr(ExprKind k, Pos p) : Expr(k, p) {}
  std::vector<ExprPtr> items;
};

struct DictExpr : Expr {
  explicit DictExpr(Pos p) : Expr(ExprKind::dict, p) {}
  std::vector<std::pair<ExprPtr, ExprPtr>> items;
};

struct UnaryExpr : Expr {  // neg, pos, not_
  UnaryExpr(ExprKind k, Pos p, ExprPtr o) : Expr(k, p), operand(std::move(o)) {}
  ExprPtr operand;
};

struct BinaryExpr : Expr {  // and_, or_, binary
  BinaryExpr(ExprKind k, Pos p, BinOp o, ExprPtr l, ExprPtr r)
      : Expr(k, p), op(o), left(std::move(l)), right(std::move(r)) {}
  BinOp op;
  ExprPtr left, right;
};

struct CompareExpr : Expr {
  CompareExpr(Pos p, ExprPtr f) : Expr(ExprKind::compare, p), first(std::move(f)) {}
  ExprPtr first;
  std::vector<std::pair<CmpOp, ExprPtr>> rest;
};

struct ConcatExpr : Expr {
  explicit ConcatExpr(Pos p) : Expr(ExprKind::concat, p) {}
  std::vector<ExprPtr> items;
};

struct Arguments {
  std::vector<ExprPtr> positional;
  std::vector<std::pair<std::string, ExprPtr>> keywords;
  ExprPtr star;       // *args
  ExprPtr star_star;  // **kwargs
};

struct CallExpr : Expr {
  CallExpr(Pos p, ExprPtr c) : Expr(ExprKind::call, p), callee(std::move(c)) {}
  ExprPtr callee;
  Arguments args;
};

using FilterFn = Value (*)(Renderer&, Value, CallArgs&);
using TestFn = bool (*)(Renderer&, const Value&, CallArgs&);

struct FilterExpr : Expr {
  FilterExpr(Pos p, ExprPtr o, std::string n) : Expr(ExprKind::filter, p), operand(std::move(o)), name(std::move(n)) {}
  ExprPtr operand;  // null in {% filter %} and {% set x | f %} blocks: the body
  std::string name;
  Arguments args;
  FilterFn fn = nullptr;  // resolved after parsing; null: raise when evaluated
};

struct TestExpr : Expr {
  TestExpr(Pos p, ExprPtr o, std::string n) : Expr(ExprKind::test, p), operand(std::move(o)), name(std::move(n)) {}
  ExprPtr operand;
  std::string name;
  Arguments args;
  TestFn fn = nullptr;
};

struct CondExpr : Expr {
  explicit CondExpr(Pos p) : Expr(ExprKind::cond, p) {}
  ExprPtr test, then, otherwise;  // otherwise may be null
};

// ---- statements ------------------------------------------------------------
enum class StmtKind : std::uint8_t {
  text, print, if_, for_, set, set_block, macro, call_block, filter_block, with, break_, continue_, generation,
};

struct Stmt {
  Stmt(StmtKind k, Pos p) : kind(k), pos(p) {}
  virtual ~Stmt() = default;
  StmtKind kind;
  Pos pos;
};
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

// Names a scope stores before any assignment, that jinja2 treats as
// undefined until then (instead of looking them up outside), because they
// are assigned at this level and no enclosing scope knows them.
struct Scope {
  std::vector<std::string> undefined_until_set;
  bool starts_undefined(std::string_view name) const;
};

struct Target {
  enum class Kind : std::uint8_t { name, tuple, ns_attr } kind = Kind::name;
  Pos pos;
  std::string name;             // name, or the namespace of ns_attr
  std::string attr;             // ns_attr
  std::vector<Target> items;    // tuple
};

struct TextStmt : Stmt {
  TextStmt(Pos p, std::string t) : Stmt(StmtKind::text, p), text(std::move(t)) {}
  std::string text;
};

struct PrintStmt : Stmt {
  PrintStmt(Pos p, ExprPtr e) : Stmt(StmtKind::print, p), expr(std::move(e)) {}
  ExprPtr expr;
};

struct IfStmt : Stmt {
  explicit IfStmt(Pos p) : Stmt(StmtKind::if_, p) {}
  std::vector<std::pair<ExprPtr, Body>> branches;  // if, then each elif
  Body else_body;
};

struct ForStmt : Stmt {
  explicit ForStmt(Pos p) : Stmt(StmtKind::for_, p) {}
  Target target;
  ExprPtr iter;
  ExprPtr filter;  // for x in y if filter
  bool recursive = false;
  Body body, else_body;
  Scope body_scope, else_scope;
};

struct SetStmt : Stmt {
  SetStmt(Pos p) : Stmt(StmtKind::set, p) {}
  Target target;
  ExprPtr value;
};

struct Param {
  std::string name;
  ExprPtr default_value;  // null: required
};

struct SetBlockStmt : Stmt {
  explicit SetBlockStmt(Pos p) : Stmt(StmtKind::set_block, p) {}
  Target target;
  ExprPtr filter;  // FilterExpr chain whose innermost operand is null
  Body body;
  Scope scope;
};

// Shared by macros and the anonymous `caller` macro of a call block.
struct MacroDef {
  std::string name;
  std::vector<Param> params;
  Body body;
  Scope scope;
  bool uses_caller = false, uses_varargs = false, uses_kwargs = false;
};

struct MacroStmt : Stmt {
  explicit MacroStmt(Pos p) : Stmt(StmtKind::macro, p) {}
  MacroDef def;
};

struct CallBlockStmt : Stmt {
  explicit CallBlockStmt(Pos p) : Stmt(StmtKind::call_block, p) {}
  std::unique_ptr<CallExpr> call;
  MacroDef caller;
};

struct FilterBlockStmt : Stmt {
  explicit FilterBlockStmt(Pos p) : Stmt(StmtKind::filter_block, p) {}
  ExprPtr filter;
  Body body;
  Scope scope;
};

struct WithStmt : Stmt {
  explicit WithStmt(Pos p) : Stmt(StmtKind::with, p) {}
  std::vector<Target> targets;
  std::vector<ExprPtr> values;
  Body body;
  Scope scope;
};

struct BodyStmt : Stmt {  // {% generation %}: renders its body in place, in a scope of its own
  BodyStmt(StmtKind k, Pos p) : Stmt(k, p) {}
  Body body;
  Scope scope;
};

struct TemplateNode {
  std::string name;
  Body body;
  Scope scope;
};

}  // namespace llmctl::jinja
