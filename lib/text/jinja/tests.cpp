// The built-in tests: `x is defined`, `n is divisibleby 3`, `s is string`...
#include "text/jinja/args.hpp"
#include "text/jinja/builtins.hpp"
#include "text/jinja/objects.hpp"
#include "text/jinja/unicode.hpp"
#include "text/jinja/value_ops.hpp"

#include <algorithm>

namespace llmctl::jinja {

namespace {

const Value& one_arg(const char* name, CallArgs& a) {
  Signature sig(name, a, {"other"}, 1);
  return *sig.get(0);
}

void no_args(const char* name, CallArgs& a) { Signature(name, a, {}); }

Value defined_operand(Renderer& r, const Value& v) {
  if (v.is_undefined()) r.fail_undefined(v);
  return v;
}

bool t_defined(Renderer&, const Value& v, CallArgs& a) { return no_args("defined", a), !v.is_undefined(); }
bool t_undefined(Renderer&, const Value& v, CallArgs& a) { return no_args("undefined", a), v.is_undefined(); }
bool t_none(Renderer&, const Value& v, CallArgs& a) { return no_args("none", a), v.is_none(); }
bool t_boolean(Renderer&, const Value& v, CallArgs& a) { return no_args("boolean", a), v.is_bool(); }
bool t_true(Renderer&, const Value& v, CallArgs& a) { return no_args("true", a), v.is_bool() && v.as_bool(); }
bool t_false(Renderer&, const Value& v, CallArgs& a) { return no_args("false", a), v.is_bool() && !v.as_bool(); }
bool t_integer(Renderer&, const Value& v, CallArgs& a) { return no_args("integer", a), v.is_int(); }
bool t_float(Renderer&, const Value& v, CallArgs& a) { return no_args("float", a), v.is_float(); }
bool t_number(Renderer&, const Value& v, CallArgs& a) { return no_args("number", a), v.is_number(); }
bool t_string(Renderer&, const Value& v, CallArgs& a) { return no_args("string", a), v.is_string(); }
bool t_mapping(Renderer&, const Value& v, CallArgs& a) { return no_args("mapping", a), v.is_dict(); }
bool t_escaped(Renderer&, const Value& v, CallArgs& a) { return no_args("escaped", a), v.is_markup(); }

bool t_callable(Renderer&, const Value& v, CallArgs& a) {
  no_args("callable", a);
  // Undefined defines __call__ (to raise), so Python's callable() is true.
  return v.is_undefined() || (v.is_object() && v.object().callable());
}

// len() and __getitem__ both work.
bool t_sequence(Renderer& r, const Value& v, CallArgs& a) {
  no_args("sequence", a);
  if (v.is_undefined()) return !r.strict();
  if (v.is_string() || v.is_dict()) return true;
  if (!v.is_list()) return false;
  SeqKind k = v.list().kind;
  return k == SeqKind::list || k == SeqKind::tuple || k == SeqKind::range;
}

bool t_iterable(Renderer& r, const Value& v, CallArgs& a) {
  no_args("iterable", a);
  if (v.is_undefined()) {
    if (r.strict()) r.fail_undefined(v);
    return true;
  }
  if (v.is_object()) return dynamic_cast<const LoopObject*>(&v.object()) != nullptr;
  return v.is_string() || v.is_list() || v.is_dict();
}

bool remainder_is(Renderer& r, const Value& v, const Value& divisor, std::int64_t expected) {
  Value rem = binary_op(BinOp::mod, defined_operand(r, v), defined_operand(r, divisor));
  return equals(rem, Value(expected));
}

bool t_odd(Renderer& r, const Value& v, CallArgs& a) { return no_args("odd", a), remainder_is(r, v, Value(2), 1); }
bool t_even(Renderer& r, const Value& v, CallArgs& a) { return no_args("even", a), remainder_is(r, v, Value(2), 0); }
bool t_divisibleby(Renderer& r, const Value& v, CallArgs& a) {
  Signature sig("divisibleby", a, {"num"}, 1);
  return remainder_is(r, v, *sig.get(0), 0);
}

bool case_test(Renderer& r, const Value& v, bool upper) {
  std::string s = r.str(v);
  bool cased = false;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = unicode::next(s, i);
    if (upper ? unicode::is_lower(c) : unicode::is_upper(c)) return false;
    cased |= unicode::is_upper(c) || unicode::is_lower(c);
  }
  return cased;
}

bool t_lower(Renderer& r, const Value& v, CallArgs& a) { return no_args("lower", a), case_test(r, v, false); }
bool t_upper(Renderer& r, const Value& v, CallArgs& a) { return no_args("upper", a), case_test(r, v, true); }

bool t_sameas(Renderer&, const Value& v, CallArgs& a) {
  const Value& other = one_arg("sameas", a);
  if (v.type() != other.type()) return false;
  switch (v.type()) {
    case Value::Type::none:
    case Value::Type::undefined: return v.type() == Value::Type::none;
    case Value::Type::boolean: return v.as_bool() == other.as_bool();
    case Value::Type::integer:  // CPython caches small ints, so they are identical
      return v.as_int() == other.as_int() && v.as_int() >= -5 && v.as_int() <= 256;
    case Value::Type::floating: return false;
    default: return v.identity() == other.identity();
  }
}

bool t_in(Renderer& r, const Value& v, CallArgs& a) {
  Signature sig("in", a, {"seq"}, 1);
  return r.contains(*sig.get(0), v);
}

template <CmpOp op>
bool t_compare(Renderer& r, const Value& v, CallArgs& a) {
  const Value& other = one_arg("compare", a);
  if (op == CmpOp::eq) return equals(v, other);
  if (op == CmpOp::ne) return !equals(v, other);
  int c = order(defined_operand(r, v), defined_operand(r, other), op == CmpOp::lt ? "<" : op == CmpOp::le ? "<=" : op == CmpOp::gt ? ">" : ">=");
  switch (op) {
    case CmpOp::lt: return c < 0;
    case CmpOp::le: return c <= 0;
    case CmpOp::gt: return c > 0;
    default: return c >= 0;
  }
}

bool t_filter(Renderer&, const Value& v, CallArgs& a) {
  no_args("filter", a);
  Availability availability;
  return v.is_string() && (find_filter(v.str(), availability) || availability == Availability::unsupported);
}

bool t_test(Renderer&, const Value& v, CallArgs& a) {
  no_args("test", a);
  Availability availability;
  return v.is_string() && find_test(v.str(), availability) != nullptr;
}

struct TestEntry {
  std::string_view name;
  TestFn fn;
};

}  // namespace

TestFn find_test(std::string_view name, Availability& availability) {
  static const TestEntry kTests[] = {
      {"boolean", t_boolean},   {"callable", t_callable}, {"defined", t_defined},
      {"divisibleby", t_divisibleby}, {"eq", t_compare<CmpOp::eq>}, {"equalto", t_compare<CmpOp::eq>},
      {"==", t_compare<CmpOp::eq>}, {"escaped", t_escaped}, {"even", t_even},
      {"false", t_false},       {"filter", t_filter},     {"float", t_float},
      {"ge", t_compare<CmpOp::ge>}, {">=", t_compare<CmpOp::ge>}, {"gt", t_compare<CmpOp::gt>},
      {">", t_compare<CmpOp::gt>}, {"greaterthan", t_compare<CmpOp::gt>}, {"in", t_in},
      {"integer", t_integer},   {"iterable", t_iterable}, {"le", t_compare<CmpOp::le>},
      {"<=", t_compare<CmpOp::le>}, {"lower", t_lower},  {"lt", t_compare<CmpOp::lt>},
      {"<", t_compare<CmpOp::lt>}, {"lessthan", t_compare<CmpOp::lt>}, {"mapping", t_mapping},
      {"ne", t_compare<CmpOp::ne>}, {"!=", t_compare<CmpOp::ne>}, {"none", t_none},
      {"number", t_number},     {"odd", t_odd},           {"sameas", t_sameas},
      {"sequence", t_sequence}, {"string", t_string},     {"test", t_test},
      {"true", t_true},         {"undefined", t_undefined}, {"upper", t_upper},
  };
  for (const TestEntry& e : kTests) {
    if (e.name == name) {
      availability = Availability::available;
      return e.fn;
    }
  }
  availability = Availability::unknown;
  return nullptr;
}

}  // namespace llmctl::jinja
