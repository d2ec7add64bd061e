#include "server/json_fields.hpp"

#include "server/api_error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace llmctl::server {

int json_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c == ']' || c == '}') --depth;
  }
  return deepest;
}

Json parse_json_body(std::string_view body) {
  if (json_depth(body) > kMaxJsonDepth)
    throw bad_request(fmt::format("JSON nesting is deeper than {} levels", kMaxJsonDepth));
  Json value;
  try {
    value = Json::parse(body.begin(), body.end());
  } catch (const Json::exception& e) {
    // nlohmann's messages name the byte offset and the cause ("invalid
    // string: ill-formed UTF-8 byte"), which is what a client needs.
    throw bad_request(fmt::format("JSON decode error: {}", e.what()));
  }
  if (!value.is_object()) throw bad_request("the request body must be a JSON object");
  return value;
}

namespace {

const Json* find(const Json& body, std::string_view key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

[[noreturn]] void wrong_type(std::string_view key, std::string_view what) {
  throw bad_request(fmt::format("{}: Input should be {}", key, what), std::string(key));
}

std::int64_t as_integer(const Json& v, std::string_view key) {
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      wrong_type(key, "a valid integer (it is out of range)");
    return static_cast<std::int64_t>(v.get<std::uint64_t>());
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^63 is the first double beyond int64.
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
    wrong_type(key, "a valid integer, got a number with a fractional part or out of range");
  }
  wrong_type(key, "a valid integer");
}

}  // namespace

std::optional<double> number_field(const Json& body, std::string_view key) {
  const Json* v = find(body, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) wrong_type(key, "a valid number");
  return v->get<double>();
}

std::optional<std::int64_t> integer_field(const Json& body, std::string_view key) {
  const Json* v = find(body, key);
  if (v == nullptr) return std::nullopt;
  return as_integer(*v, key);
}

std::optional<bool> bool_field(const Json& body, std::string_view key) {
  const Json* v = find(body, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) wrong_type(key, "a valid boolean");
  return v->get<bool>();
}

std::optional<std::string> string_field(const Json& body, std::string_view key) {
  const Json* v = find(body, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) wrong_type(key, "a valid string");
  return v->get<std::string>();
}

std::optional<Json> object_field(const Json& body, std::string_view key) {
  const Json* v = find(body, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) wrong_type(key, "a valid dictionary");
  return *v;
}

std::optional<std::vector<std::string>> string_or_list_field(const Json& body, std::string_view key) {
  const Json* v = find(body, key);
  if (v == nullptr) return std::nullopt;
  std::vector<std::string> out;
  if (v->is_string()) {
    out.push_back(v->get<std::string>());
    return out;
  }
  if (!v->is_array()) wrong_type(key, "a valid string or a list of strings");
  for (const Json& item : *v) {
    if (!item.is_string()) wrong_type(key, "a valid string or a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::vector<std::int64_t>> integer_list_field(const Json& body, std::string_view key) {
  const Json* v = find(body, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) wrong_type(key, "a valid list of integers");
  std::vector<std::int64_t> out;
  out.reserve(v->size());
  for (const Json& item : *v) out.push_back(as_integer(item, key));
  return out;
}

}  // namespace llmctl::server
