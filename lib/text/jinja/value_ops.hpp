// Python's operators on template values: arithmetic with Python's rounding
// and errors, comparisons, sequence repetition and Markup concatenation.
#pragma once

#include "text/jinja/ast.hpp"
#include "text/jinja/value.hpp"

namespace llmctl::jinja {

// Both operands must be defined (the renderer raises UndefinedError first).
Value binary_op(BinOp op, const Value& a, const Value& b);
Value negate(const Value& v, bool minus);  // unary - and +

// <0, 0 or >0 for the ordering comparisons; TypeError when Python refuses
// (`op` is the operator for the message: "<", ">=").
int order(const Value& a, const Value& b, const char* op);

// Python's `%` string formatting: "%s-%d" % (a, b), "%(name)s" % d (format.cpp).
std::string percent_format(const std::string& format, const Value& args);
// str.format(*args, **kwargs) (format.cpp).
std::string brace_format(const std::string& format, const CallArgs& args);
// format(value, spec) for one replacement field (format.cpp).
std::string format_spec(const Value& value, std::string_view spec);

// Python's checked 64-bit integer arithmetic: results beyond 64 bits are an
// unsupported feature (Python would switch to big integers).
std::int64_t checked(bool overflowed, std::int64_t result);

}  // namespace llmctl::jinja
