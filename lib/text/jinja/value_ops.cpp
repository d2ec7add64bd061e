#include "text/jinja/value_ops.hpp"

#include <cmath>

namespace llmctl::jinja {

std::int64_t checked(bool overflowed, std::int64_t result) {
  if (overflowed) unsupported("integer overflow: template integers are limited to 64 bits");
  return result;
}

namespace {

const char* symbol(BinOp op) {
  switch (op) {
    case BinOp::add: return "+";
    case BinOp::sub: return "-";
    case BinOp::mul: return "*";
    case BinOp::div: return "/";
    case BinOp::floordiv: return "//";
    case BinOp::mod: return "%";
    case BinOp::pow: return "** or pow()";
  }
  return "?";
}

[[noreturn]] void unsupported_operands(BinOp op, const Value& a, const Value& b) {
  type_error(std::string("unsupported operand type(s) for ") + symbol(op) + ": '" + type_name(a) + "' and '" +
             type_name(b) + "'");
}

bool is_int_like(const Value& v) { return v.is_int() || v.is_bool(); }

// CPython's float floor division and modulo (floatobject.c float_divmod).
void float_divmod(double vx, double wx, double& floordiv, double& mod) {
  mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0.0) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, wx);
  }
  if (div != 0.0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
}

Value repeat(const Value& seq, std::int64_t n) {
  if (seq.is_string()) {
    std::string out;
    for (std::int64_t i = 0; i < n; ++i) out += seq.str();
    return seq.is_markup() ? Value::markup(std::move(out)) : Value(std::move(out));
  }
  std::vector<Value> items;
  for (std::int64_t i = 0; i < n; ++i) items.insert(items.end(), seq.list().items.begin(), seq.list().items.end());
  return Value::sequence(seq.list().kind, std::move(items));
}

bool is_repeatable(const Value& v) {
  return v.is_string() || v.is_seq(SeqKind::list) || v.is_seq(SeqKind::tuple);
}

std::int64_t int_pow(std::int64_t base, std::int64_t exp) {
  std::int64_t result = 1;
  while (exp > 0) {
    if (exp & 1) {
      bool overflow = __builtin_mul_overflow(result, base, &result);
      checked(overflow, result);
    }
    exp >>= 1;
    if (exp > 0) {
      bool overflow = __builtin_mul_overflow(base, base, &base);
      checked(overflow, base);
    }
  }
  return result;
}

}  // namespace

Value binary_op(BinOp op, const Value& a, const Value& b) {
  bool ints = is_int_like(a) && is_int_like(b);
  bool numbers = a.is_number() && b.is_number();
  switch (op) {
    case BinOp::add: {
      if (ints) {
        std::int64_t r = 0;
        bool overflow = __builtin_add_overflow(a.int_value(), b.int_value(), &r);
        return checked(overflow, r);
      }
      if (numbers) return a.float_value() + b.float_value();
      if (a.is_string() && b.is_string()) {
        // markupsafe: Markup + str escapes the str, and the result is Markup.
        if (a.is_markup() != b.is_markup()) {
          std::string left = a.is_markup() ? a.str() : html_escape(a.str());
          std::string right = b.is_markup() ? b.str() : html_escape(b.str());
          return Value::markup(left + right);
        }
        return a.is_markup() ? Value::markup(a.str() + b.str()) : Value(a.str() + b.str());
      }
      if (a.is_list() && b.is_list() && a.list().kind == b.list().kind &&
          (a.list().kind == SeqKind::list || a.list().kind == SeqKind::tuple)) {
        std::vector<Value> items = a.list().items;
        items.insert(items.end(), b.list().items.begin(), b.list().items.end());
        return Value::sequence(a.list().kind, std::move(items));
      }
      if (a.is_string() || a.is_seq(SeqKind::list) || a.is_seq(SeqKind::tuple)) {
        std::string left = type_name(a);
        type_error("can only concatenate " + left + " (not \"" + type_name(b) + "\") to " + left);
      }
      unsupported_operands(op, a, b);
    }
    case BinOp::sub: {
      if (ints) {
        std::int64_t r = 0;
        bool overflow = __builtin_sub_overflow(a.int_value(), b.int_value(), &r);
        return checked(overflow, r);
      }
      if (numbers) return a.float_value() - b.float_value();
      unsupported_operands(op, a, b);
    }
    case BinOp::mul: {
      if (ints) {
        std::int64_t r = 0;
        bool overflow = __builtin_mul_overflow(a.int_value(), b.int_value(), &r);
        return checked(overflow, r);
      }
      if (numbers) return a.float_value() * b.float_value();
      if (is_repeatable(a) && is_int_like(b)) return repeat(a, b.int_value());
      if (is_int_like(a) && is_repeatable(b)) return repeat(b, a.int_value());
      if (is_repeatable(a)) type_error("can't multiply sequence by non-int of type '" + type_name(b) + "'");
      if (is_repeatable(b)) type_error("can't multiply sequence by non-int of type '" + type_name(a) + "'");
      unsupported_operands(op, a, b);
    }
    case BinOp::div: {
      if (!numbers) unsupported_operands(op, a, b);
      if (b.float_value() == 0.0) raise(ErrorKind::zero_division, ints ? "division by zero" : "float division by zero");
      return a.float_value() / b.float_value();
    }
    case BinOp::floordiv:
    case BinOp::mod: {
      if (op == BinOp::mod && a.is_string()) {
        std::string s = percent_format(a.str(), b);
        return a.is_markup() ? Value::markup(std::move(s)) : Value(std::move(s));
      }
      if (!numbers) unsupported_operands(op, a, b);
      if (ints) {
        std::int64_t x = a.int_value(), y = b.int_value();
        if (y == 0) {
          raise(ErrorKind::zero_division,
                op == BinOp::mod ? "integer modulo by zero" : "integer division or modulo by zero");
        }
        if (x == INT64_MIN && y == -1) unsupported("integer overflow: template integers are limited to 64 bits");
        std::int64_t q = x / y, r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) {
          q -= 1;
          r += y;
        }
        return op == BinOp::floordiv ? Value(q) : Value(r);
      }
      if (b.float_value() == 0.0) {
        raise(ErrorKind::zero_division, op == BinOp::mod ? "float modulo" : "float floor division by zero");
      }
      double q, r;
      float_divmod(a.float_value(), b.float_value(), q, r);
      return op == BinOp::floordiv ? q : r;
    }
    case BinOp::pow: {
      if (!numbers) unsupported_operands(op, a, b);
      if (ints && b.int_value() >= 0) return int_pow(a.int_value(), b.int_value());
      double x = a.float_value(), y = b.float_value();
      if (x == 0.0 && y < 0) raise(ErrorKind::zero_division, "0.0 cannot be raised to a negative power");
      if (x < 0 && y != std::floor(y)) unsupported("complex numbers are not supported");
      return std::pow(x, y);
    }
  }
  unsupported_operands(op, a, b);
}

Value negate(const Value& v, bool minus) {
  if (v.is_int() || v.is_bool()) {
    if (!minus) return v.int_value();
    if (v.int_value() == INT64_MIN) unsupported("integer overflow: template integers are limited to 64 bits");
    return -v.int_value();
  }
  if (v.is_float()) return minus ? -v.as_float() : v.as_float();
  type_error(std::string("bad operand type for unary ") + (minus ? "-" : "+") + ": '" + type_name(v) + "'");
}

int order(const Value& a, const Value& b, const char* op) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) {
      double x = a.float_value(), y = b.float_value();
      return x < y ? -1 : x > y ? 1 : 0;  // NaN compares as "equal" but only == uses 0 exactly
    }
    std::int64_t x = a.int_value(), y = b.int_value();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) {
    int c = a.str().compare(b.str());  // UTF-8 byte order is code point order
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is_list() && b.is_list() && a.list().kind == b.list().kind &&
      (a.list().kind == SeqKind::list || a.list().kind == SeqKind::tuple)) {
    const auto& x = a.list().items;
    const auto& y = b.list().items;
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (equals(x[i], y[i])) continue;
      return order(x[i], y[i], op);
    }
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  type_error(std::string("'") + op + "' not supported between instances of '" + type_name(a) + "' and '" +
             type_name(b) + "'");
}

}  // namespace llmctl::jinja
