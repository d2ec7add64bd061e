// Expressions and the Python/jinja2 object protocol: attribute and item
// lookup, iteration, len(), `in`, calls, with Undefined and sandbox rules.
#include "text/jinja/builtins.hpp"
#include "text/jinja/objects.hpp"
#include "text/jinja/renderer.hpp"
#include "text/jinja/unicode.hpp"
#include "text/jinja/value_ops.hpp"

#include <cmath>

namespace llmctl::jinja {

// ---- Undefined -----------------------------------------------------------------
void Renderer::fail_undefined(const Value& v) const {
  const UndefinedInfo& info = v.undefined_info();
  raise(info.kind, info.message());
}

Value Renderer::undefined_hint(std::string hint) const {
  UndefinedInfo info;
  info.hint = std::move(hint);
  return Value::undefined(std::move(info));
}

Value Renderer::unsafe_undefined(const Value& obj, std::string_view attr) const {
  UndefinedInfo info;
  info.name = std::string(attr);
  info.owner = object_type_repr(obj);
  info.hint = "access to attribute " + string_repr(attr) + " of " + string_repr(type_name(obj)) + " object is unsafe.";
  info.kind = ErrorKind::security;
  return Value::undefined(std::move(info));
}

// ---- names --------------------------------------------------------------------------
Value Renderer::lookup(std::string_view name) const {
  for (const Frame* f = frame_.get(); f; f = f->parent.get()) {
    for (const auto& [k, v] : f->vars) {
      if (k == name) return v;
    }
    if (f->scope && f->scope->starts_undefined(name)) return Value::undefined_name(std::string(name));
  }
  if (const Value* v = context_.dict().find(name)) return *v;
  auto it = env_.globals.find(std::string(name));
  if (it != env_.globals.end()) return it->second;
  return Value::undefined_name(std::string(name));
}

// ---- calls ----------------------------------------------------------------------------
Value Renderer::call(const Value& callee, CallArgs& args) {
  if (callee.is_undefined()) fail_undefined(callee);
  if (callee.is_object() && callee.object().callable()) return callee.object().call(*this, args);
  type_error("'" + type_name(callee) + "' object is not callable");
}

CallArgs Renderer::eval_args(const Arguments& args) {
  CallArgs out;
  out.positional.reserve(args.positional.size());
  for (const auto& p : args.positional) out.positional.push_back(eval(*p));
  for (const auto& [k, v] : args.keywords) out.keywords.emplace_back(k, eval(*v));
  if (args.star) {
    for (Value& v : iterate(eval(*args.star))) out.positional.push_back(std::move(v));
  }
  if (args.star_star) {
    Value d = eval(*args.star_star);
    if (!d.is_dict()) type_error("argument after ** must be a mapping, not " + type_name(d));
    for (const auto& [k, v] : d.dict().entries) {
      if (!k.is_string()) type_error("keywords must be strings");
      out.keywords.emplace_back(k.str(), v);
    }
  }
  return out;
}

Value Renderer::eval_call(const CallExpr& node) {
  if (node.callee->kind == ExprKind::getattr) {
    // obj.method(...) on a plain value dispatches without a bound-method object.
    const auto& attr = static_cast<const GetattrExpr&>(*node.callee);
    Value obj = eval(*attr.object);
    if (!obj.is_undefined() && !obj.is_object()) {
      MethodKind kind = method_kind(obj, attr.attr);
      if (kind == MethodKind::supported || (kind == MethodKind::mutating && !options().sandboxed)) {
        CallArgs args = eval_args(node.args);
        return call_method(*this, obj, attr.attr, args);
      }
    }
    Value callee = getattr(obj, attr.attr);
    CallArgs args = eval_args(node.args);
    return call(callee, args);
  }
  Value callee = eval(*node.callee);
  CallArgs args = eval_args(node.args);
  return call(callee, args);
}

Value Renderer::call_filter(std::string_view name, const Value& value, CallArgs& args) {
  Availability availability;
  FilterFn fn = find_filter(name, availability);
  if (availability == Availability::unsupported) unsupported("the '" + std::string(name) + "' filter is not supported");
  if (!fn) raise(ErrorKind::runtime, "No filter named '" + std::string(name) + "'.");
  return fn(*this, value, args);
}

bool Renderer::call_test(std::string_view name, const Value& value, CallArgs& args) {
  Availability availability;
  TestFn fn = find_test(name, availability);
  if (availability == Availability::unsupported) unsupported("the '" + std::string(name) + "' test is not supported");
  if (!fn) raise(ErrorKind::runtime, "No test named '" + std::string(name) + "'.");
  return fn(*this, value, args);
}

Value Renderer::eval_filter(const FilterExpr& f, const Value* body) {
  Value input;
  if (!f.operand) {
    input = *body;
  } else if (body && f.operand->kind == ExprKind::filter) {
    input = eval_filter(static_cast<const FilterExpr&>(*f.operand), body);
  } else {
    input = eval(*f.operand);
  }
  CallArgs args = eval_args(f.args);
  if (!f.fn) raise(ErrorKind::runtime, "No filter named '" + f.name + "' found.");
  return f.fn(*this, std::move(input), args);
}

// ---- expressions --------------------------------------------------------------------
Value Renderer::eval(const Expr& e) {
  try {
    return eval_inner(e);
  } catch (const TemplateError& err) {
    if (err.has_position()) throw;
    throw err.with_position(root_.name, e.pos.line, e.pos.column);
  }
}

namespace {

bool compare(Renderer& r, CmpOp op, const Value& a, const Value& b) {
  if (r.strict() && (op == CmpOp::eq || op == CmpOp::ne)) {
    if (a.is_undefined()) r.fail_undefined(a);
    if (b.is_undefined()) r.fail_undefined(b);
  }
  switch (op) {
    case CmpOp::eq: return equals(a, b);
    case CmpOp::ne: return !equals(a, b);
    case CmpOp::in: return r.contains(b, a);
    case CmpOp::not_in: return !r.contains(b, a);
    default: break;
  }
  if ((a.is_float() && std::isnan(a.as_float())) || (b.is_float() && std::isnan(b.as_float()))) {
    if (a.is_number() && b.is_number()) return false;
  }
  static const char* kSymbols[] = {"==", "!=", "<", "<=", ">", ">="};
  const char* symbol = kSymbols[static_cast<int>(op)];
  if (a.is_undefined() || b.is_undefined()) {
    if (a.is_undefined()) r.fail_undefined(a);
    r.fail_undefined(b);
  }
  int c = order(a, b, symbol);
  switch (op) {
    case CmpOp::lt: return c < 0;
    case CmpOp::le: return c <= 0;
    case CmpOp::gt: return c > 0;
    default: return c >= 0;
  }
}

}  // namespace

Value Renderer::eval_inner(const Expr& e) {
  switch (e.kind) {
    case ExprKind::constant: return static_cast<const ConstExpr&>(e).value;
    case ExprKind::name: return lookup(static_cast<const NameExpr&>(e).name);
    case ExprKind::getattr:
    case ExprKind::nsref: {
      const auto& g = static_cast<const GetattrExpr&>(e);
      return getattr(eval(*g.object), g.attr);
    }
    case ExprKind::getitem: {
      const auto& g = static_cast<const GetitemExpr&>(e);
      Value obj = eval(*g.object);
      if (g.key->kind == ExprKind::slice) return eval_slice(obj, static_cast<const SliceExpr&>(*g.key));
      return getitem(obj, eval(*g.key));
    }
    case ExprKind::slice: unsupported("a slice outside a subscript");
    case ExprKind::list:
    case ExprKind::tuple: {
      const auto& s = static_cast<const SeqExpr&>(e);
      std::vector<Value> items;
      items.reserve(s.items.size());
      for (const auto& item : s.items) items.push_back(eval(*item));
      return e.kind == ExprKind::list ? Value::new_list(std::move(items)) : Value::tuple(std::move(items));
    }
    case ExprKind::dict: {
      Value d = Value::new_dict();
      for (const auto& [k, v] : static_cast<const DictExpr&>(e).items) {
        Value key = eval(*k);
        require_hashable(key);
        d.dict().set(std::move(key), eval(*v));
      }
      return d;
    }
    case ExprKind::neg:
    case ExprKind::pos: {
      Value v = eval(*static_cast<const UnaryExpr&>(e).operand);
      if (v.is_undefined()) fail_undefined(v);
      return negate(v, e.kind == ExprKind::neg);
    }
    case ExprKind::not_: return !truthy(eval(*static_cast<const UnaryExpr&>(e).operand));
    case ExprKind::and_: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      Value left = eval(*b.left);
      return truthy(left) ? eval(*b.right) : left;
    }
    case ExprKind::or_: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      Value left = eval(*b.left);
      return truthy(left) ? left : eval(*b.right);
    }
    case ExprKind::binary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      Value left = eval(*b.left);
      Value right = eval(*b.right);
      if (left.is_undefined()) fail_undefined(left);
      if (right.is_undefined()) fail_undefined(right);
      return binary_op(b.op, left, right);
    }
    case ExprKind::compare: {
      const auto& c = static_cast<const CompareExpr&>(e);
      Value left = eval(*c.first);
      for (const auto& [op, operand] : c.rest) {
        Value right = eval(*operand);
        if (!compare(*this, op, left, right)) return false;
        left = std::move(right);
      }
      return true;
    }
    case ExprKind::concat: {
      std::string out;
      for (const auto& item : static_cast<const ConcatExpr&>(e).items) out += str(eval(*item));
      return Value(std::move(out));
    }
    case ExprKind::call: return eval_call(static_cast<const CallExpr&>(e));
    case ExprKind::filter: return eval_filter(static_cast<const FilterExpr&>(e), nullptr);
    case ExprKind::test: {
      const auto& t = static_cast<const TestExpr&>(e);
      Value operand = eval(*t.operand);
      CallArgs args = eval_args(t.args);
      if (!t.fn) raise(ErrorKind::runtime, "No test named '" + t.name + "' found.");
      return t.fn(*this, operand, args);
    }
    case ExprKind::cond: {
      const auto& c = static_cast<const CondExpr&>(e);
      if (truthy(eval(*c.test))) return eval(*c.then);
      if (c.otherwise) return eval(*c.otherwise);
      std::string where = "line " + std::to_string(e.pos.line);
      if (!root_.name.empty()) where += " in " + string_repr(root_.name);
      return undefined_hint("the inline if-expression on " + where +
                            " evaluated to false and no else section was defined.");
    }
  }
  unsupported("expression");
}

}  // namespace llmctl::jinja
