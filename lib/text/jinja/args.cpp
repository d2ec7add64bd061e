#include "text/jinja/args.hpp"

namespace llmctl::jinja {

Signature::Signature(std::string_view function, const CallArgs& args, std::initializer_list<std::string_view> params,
                     std::size_t required)
    : function_(function), names_(params), values_(params.size(), nullptr) {
  if (args.positional.size() > names_.size()) {
    type_error(function_ + "() takes at most " + std::to_string(names_.size()) + " arguments (" +
               std::to_string(args.positional.size()) + " given)");
  }
  for (std::size_t i = 0; i < args.positional.size(); ++i) values_[i] = &args.positional[i];
  for (const auto& [name, value] : args.keywords) {
    std::size_t i = 0;
    while (i < names_.size() && names_[i] != name) ++i;
    if (i == names_.size()) type_error(function_ + "() got an unexpected keyword argument '" + name + "'");
    if (values_[i]) type_error(function_ + "() got multiple values for argument '" + name + "'");
    values_[i] = &value;
  }
  for (std::size_t i = 0; i < required; ++i) {
    if (!values_[i]) type_error(function_ + "() missing required argument '" + std::string(names_[i]) + "'");
  }
}

std::int64_t Signature::int_or(std::size_t i, std::int64_t fallback) const {
  return values_[i] ? as_index(*values_[i]) : fallback;
}

bool Signature::bool_or(std::size_t i, bool fallback) const { return values_[i] ? truthy(*values_[i]) : fallback; }

std::string Signature::str_or(std::size_t i, std::string fallback) const {
  return values_[i] ? to_str(*values_[i]) : std::move(fallback);
}

std::int64_t as_index(const Value& v) {
  if (v.is_int() || v.is_bool()) return v.int_value();
  type_error("'" + type_name(v) + "' object cannot be interpreted as an integer");
}

const std::string& as_string(const Value& v, std::string_view what) {
  if (!v.is_string()) type_error(std::string(what) + " must be str, not " + type_name(v));
  return v.str();
}

}  // namespace llmctl::jinja
