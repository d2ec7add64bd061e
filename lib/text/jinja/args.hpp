// Binding call arguments to a Python-style signature, for filters, tests,
// methods and built-in functions.
#pragma once

#include "text/jinja/value.hpp"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::jinja {

class Signature {
 public:
  // `params` are positional-or-keyword; the first `required` must be given.
  Signature(std::string_view function, const CallArgs& args, std::initializer_list<std::string_view> params,
            std::size_t required = 0);

  const Value* get(std::size_t i) const { return values_[i]; }  // null: not given
  bool has(std::size_t i) const { return values_[i] != nullptr && !values_[i]->is_none(); }
  Value get_or(std::size_t i, Value fallback) const { return values_[i] ? *values_[i] : std::move(fallback); }
  std::int64_t int_or(std::size_t i, std::int64_t fallback) const;
  bool bool_or(std::size_t i, bool fallback) const;
  std::string str_or(std::size_t i, std::string fallback) const;

 private:
  std::string function_;
  std::vector<std::string_view> names_;
  std::vector<const Value*> values_;
};

// Python's operator.index(): ints and bools; TypeError otherwise.
std::int64_t as_index(const Value& v);
// A str argument; TypeError otherwise (`what` names it in the message).
const std::string& as_string(const Value& v, std::string_view what);

}  // namespace llmctl::jinja
