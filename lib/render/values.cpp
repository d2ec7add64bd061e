#include "render/values.hpp"

#include "render/yaml_json.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace llmctl::render {

namespace {

bool is_index(const std::string& key) {
  return key.size() > 2 && key.front() == '[' && key.back() == ']' &&
         key.find_first_not_of("0123456789", 1) == key.size() - 1;
}

std::size_t index_of(const std::string& key) { return std::stoul(key.substr(1, key.size() - 2)); }

void collect_unknown(const Json& schema, const Json& values, const std::string& prefix, std::vector<std::string>& out) {
  if (!schema.is_object() || schema.empty() || !values.is_object()) return;
  for (const auto& [key, value] : values.items()) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (!schema.contains(key)) {
      out.push_back(path);
      continue;
    }
    collect_unknown(schema[key], value, path, out);
  }
}

[[noreturn]] void wrong_type(std::string_view dotted, const char* want, const Json& got) {
  throw usage_error(fmt::format("values: {} must be {}, got {}", dotted, want, got.dump()),
                    fmt::format("fix '{}' in the -f file or --set it, e.g. --set {}=...", dotted, dotted));
}

}  // namespace

ValuePath parse_value_path(std::string_view text) {
  ValuePath path;
  std::string key;
  bool pending = false;  // a key was started (possibly empty)
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      key += text[++i];
      pending = true;
    } else if (c == '.') {
      if (key.empty()) throw usage_error(fmt::format("--set: empty key in '{}'", text), "write keys like a.b.c");
      path.push_back(key);
      key.clear();
      pending = false;
    } else if (c == '[') {
      const std::size_t close = text.find(']', i);
      const std::string index(text.substr(i, close == std::string_view::npos ? close : close - i + 1));
      if (close == std::string_view::npos || !is_index(index))
        throw usage_error(fmt::format("--set: bad list index in '{}'", text), "write list elements as key[0]");
      if (!key.empty()) path.push_back(key);
      key.clear();
      path.push_back(index);
      i = close;
      pending = false;
      if (i + 1 < text.size() && text[i + 1] == '.') ++i;
    } else {
      key += c;
      pending = true;
    }
  }
  if (pending) {
    if (key.empty()) throw usage_error(fmt::format("--set: empty key in '{}'", text), "write keys like a.b.c");
    path.push_back(key);
  }
  if (path.empty()) throw usage_error("--set: no key before '='", "write --set key=value");
  return path;
}

std::string format_value_path(const ValuePath& path) {
  std::string out;
  for (const std::string& key : path) {
    if (is_index(key)) {
      out += key;
      continue;
    }
    if (!out.empty()) out += '.';
    for (char c : key) {
      if (c == '.') out += '\\';
      out += c;
    }
  }
  return out;
}

void merge_values(Json& base, const Json& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    base = overlay;
    return;
  }
  for (const auto& [key, value] : overlay.items()) {
    if (base.contains(key) && base[key].is_object() && value.is_object())
      merge_values(base[key], value);
    else
      base[key] = value;
  }
}

void set_value(Json& values, const ValuePath& path, Json value) {
  Json* node = &values;
  for (const std::string& key : path) {
    if (is_index(key)) {
      if (!node->is_array()) *node = Json::array();
      const std::size_t i = index_of(key);
      if (i > 10000) throw usage_error(fmt::format("--set: list index {} is too large", key));
      while (node->size() <= i) node->push_back(nullptr);
      node = &(*node)[i];
    } else {
      if (!node->is_object()) *node = Json::object();
      node = &(*node)[key];
    }
  }
  *node = std::move(value);
}

void apply_set(Json& values, std::string_view assignment) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos)
    throw usage_error(fmt::format("--set '{}' has no '='", assignment), "write --set key=value, e.g. --set service.type=LoadBalancer");
  const ValuePath path = parse_value_path(assignment.substr(0, eq));
  const std::string text(assignment.substr(eq + 1));
  Json value;
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
    value = Json::array();
    const std::string inner = text.substr(1, text.size() - 2);
    std::size_t start = 0;
    while (!inner.empty() && start <= inner.size()) {
      const std::size_t comma = inner.find(',', start);
      value.push_back(resolve_plain_scalar(inner.substr(start, comma == std::string::npos ? comma : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    value = resolve_plain_scalar(text);
  }
  set_value(values, path, std::move(value));
}

Json load_values_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path))
    throw usage_error(fmt::format("cannot read values file '{}'", path.string()),
                      "pass an existing YAML file to -f/--values");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_yaml_values(text.str(), path.string());
}

std::vector<std::string> unknown_keys(const Json& schema, const Json& values) {
  std::vector<std::string> out;
  collect_unknown(schema, values, "", out);
  return out;
}

const Json* value_at(const Json& values, std::string_view dotted) {
  const Json* node = &values;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    const std::size_t dot = dotted.find('.', start);
    const std::string key(dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return node->is_null() ? nullptr : node;
}

std::optional<std::string> string_at(const Json& values, std::string_view dotted) {
  const Json* found = value_at(values, dotted);
  if (!found) return std::nullopt;
  const Json& v = *found;
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();  // tag: 1.0 written unquoted
  wrong_type(dotted, "a string", v);
}

std::optional<std::int64_t> int_at(const Json& values, std::string_view dotted) {
  const Json* found = value_at(values, dotted);
  if (!found) return std::nullopt;
  const Json& v = *found;
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<std::int64_t>(v.get<double>())))
    return static_cast<std::int64_t>(v.get<double>());
  if (v.is_string()) {
    const Json parsed = resolve_plain_scalar(v.get<std::string>());
    if (parsed.is_number_integer()) return parsed.get<std::int64_t>();
  }
  wrong_type(dotted, "an integer", v);
}

std::optional<double> number_at(const Json& values, std::string_view dotted) {
  const Json* found = value_at(values, dotted);
  if (!found) return std::nullopt;
  const Json& v = *found;
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const Json parsed = resolve_plain_scalar(v.get<std::string>());
    if (parsed.is_number()) return parsed.get<double>();
  }
  wrong_type(dotted, "a number", v);
}

bool bool_at(const Json& values, std::string_view dotted, bool fallback) {
  const Json* found = value_at(values, dotted);
  if (!found) return fallback;
  const Json& v = *found;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    const Json parsed = resolve_plain_scalar(v.get<std::string>());
    if (parsed.is_boolean()) return parsed.get<bool>();
  }
  wrong_type(dotted, "true or false", v);
}

}  // namespace llmctl::render
