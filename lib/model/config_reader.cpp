#include "model/config_reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace llmctl::detail {

namespace {

// JSON type names as a config author would say them.
std::string type_name(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_float: return "a number";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    default: return "an unsupported value";
  }
}

}  // namespace

std::string describe_json(const Json& value) {
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    return fmt::format("string \"{}\"", text);
  }
  if (value.is_number() || value.is_boolean() || value.is_null()) return value.dump();
  return type_name(value);
}

ConfigReader::ConfigReader(const Json& primary, const Json* fallback, std::string source,
                           std::string primary_prefix)
    : primary_(primary), fallback_(fallback), source_(std::move(source)),
      prefix_(std::move(primary_prefix)) {}

const Json* ConfigReader::lookup(std::string_view key, bool* in_primary) const {
  const std::string k(key);
  if (primary_.is_object()) {
    if (auto it = primary_.find(k); it != primary_.end()) {
      if (in_primary) *in_primary = true;
      return &*it;
    }
  }
  if (fallback_ && fallback_->is_object()) {
    if (auto it = fallback_->find(k); it != fallback_->end()) {
      if (in_primary) *in_primary = false;
      return &*it;
    }
  }
  return nullptr;
}

bool ConfigReader::present(std::string_view key) const { return lookup(key, nullptr) != nullptr; }

bool ConfigReader::is_null(std::string_view key) const {
  const Json* v = lookup(key, nullptr);
  return v && v->is_null();
}

const Json* ConfigReader::find(std::string_view key) const {
  const Json* v = lookup(key, nullptr);
  return (v && !v->is_null()) ? v : nullptr;
}

std::string ConfigReader::field_name(std::string_view key) const {
  bool in_primary = true;
  lookup(key, &in_primary);
  return (in_primary ? prefix_ : std::string()) + std::string(key);
}

Error ConfigReader::field_error(std::string_view key, const std::string& problem) const {
  return error(fmt::format("field '{}' {}", field_name(key), problem));
}

Error ConfigReader::error(const std::string& problem) const {
  return runtime_error(fmt::format("{}: {}", source_, problem),
                       "fix config.json (or fetch the original from the model's Hugging Face repository)");
}

std::uint64_t json_to_uint(const Json& value, const ConfigReader& reader, std::string_view what) {
  auto fail = [&](const std::string& problem) {
    return reader.error(fmt::format("field '{}' {}", what, problem));
  };
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if (v < 0) throw fail(fmt::format("must not be negative, got {}", v));
    return static_cast<std::uint64_t>(v);
  }
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (v < 0) throw fail(fmt::format("must not be negative, got {}", value.dump()));
    // 2^64 is exactly representable; anything at or above it does not fit.
    if (std::floor(v) != v || v >= 18446744073709551616.0)
      throw fail(fmt::format("must be a whole number, got {}", value.dump()));
    return static_cast<std::uint64_t>(v);
  }
  throw fail(fmt::format("must be an integer, got {}", describe_json(value)));
}

double json_to_number(const Json& value, const ConfigReader& reader, std::string_view what) {
  if (!value.is_number())
    throw reader.error(fmt::format("field '{}' must be a number, got {}", what, describe_json(value)));
  const double v = value.get<double>();
  if (!std::isfinite(v)) throw reader.error(fmt::format("field '{}' must be finite", what));
  return v;
}

std::optional<std::uint64_t> ConfigReader::uint(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  return json_to_uint(*v, *this, field_name(key));
}

std::optional<std::int64_t> ConfigReader::int64(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      throw field_error(key, "is too large");
    return static_cast<std::int64_t>(u);
  }
  throw field_error(key, fmt::format("must be an integer, got {}", describe_json(*v)));
}

std::optional<double> ConfigReader::number(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  return json_to_number(*v, *this, field_name(key));
}

std::optional<bool> ConfigReader::boolean(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean())
    throw field_error(key, fmt::format("must be true or false, got {}", describe_json(*v)));
  return v->get<bool>();
}

std::optional<std::string> ConfigReader::string(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw field_error(key, fmt::format("must be a string, got {}", describe_json(*v)));
  return v->get<std::string>();
}

const Json* ConfigReader::object(std::string_view key) const {
  const Json* v = find(key);
  if (!v) return nullptr;
  if (!v->is_object()) throw field_error(key, fmt::format("must be an object, got {}", describe_json(*v)));
  return v;
}

}  // namespace llmctl::detail
