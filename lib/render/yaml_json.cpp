#include "render/yaml_json.hpp"

#include "util/error.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

namespace llmctl::render {

namespace {

bool all_of(const std::string& s, std::size_t from, const char* chars) {
  if (from >= s.size()) return false;
  return s.find_first_not_of(chars, from) == std::string::npos;
}

std::optional<Json> parse_integer(const std::string& s) {
  std::size_t start = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  int base = 10;
  std::string digits;
  if (start == 0 && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    if (!all_of(s, 2, base == 16 ? "0123456789abcdefABCDEF" : "01234567")) return std::nullopt;
    digits = s.substr(2);
  } else {
    if (!all_of(s, start, "0123456789")) return std::nullopt;
    digits = s;
  }
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(digits.c_str(), &end, base);
  if (errno == ERANGE || *end != '\0') return std::nullopt;
  return Json(static_cast<std::int64_t>(v));
}

// [-+]? ( .digits | digits [. digits*] ) ([eE] [-+]? digits)?
bool is_core_float(const std::string& s) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  } else {
    if (!digits()) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::optional<Json> parse_float(const std::string& s) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF")
    return Json(std::numeric_limits<double>::infinity());
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return Json(-std::numeric_limits<double>::infinity());
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return Json(std::numeric_limits<double>::quiet_NaN());
  if (!is_core_float(s)) return std::nullopt;
  return Json(std::strtod(s.c_str(), nullptr));
}

Json to_json(const YAML::Node& node, const std::string& source) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      const std::string& text = node.Scalar();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return text;  // quoted, or !!str
      if (tag == "?" || tag.empty()) return resolve_plain_scalar(text);
      return resolve_plain_scalar(text);  // !!int, !!float, ...: the text decides
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(to_json(item, source));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) {
        const YAML::Node& key = kv.first;
        if (!key.IsScalar())
          throw runtime_error(fmt::format("{}: line {}: mapping keys must be scalars", source, key.Mark().line + 1));
        out[key.Scalar()] = to_json(kv.second, source);
      }
      return out;
    }
  }
  return nullptr;
}

std::string line_of(std::string_view text, int line) {
  std::size_t pos = 0;
  for (int i = 0; i < line && pos != std::string_view::npos; ++i) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (pos == std::string_view::npos || pos >= text.size()) return {};
  const std::size_t end = text.find('\n', pos);
  return std::string(text.substr(pos, end == std::string_view::npos ? end : end - pos));
}

[[noreturn]] void yaml_error(const YAML::Exception& e, std::string_view text, const std::string& source) {
  const int line = e.mark.line;
  std::string message = fmt::format("{}: invalid YAML at line {}, column {}: {}", source, line + 1, e.mark.column + 1,
                                    e.msg);
  const std::string quoted = line >= 0 ? line_of(text, line) : std::string();
  if (!quoted.empty()) message += fmt::format("\n  {} | {}", line + 1, quoted);
  throw runtime_error(message);
}

}  // namespace

Json resolve_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  const char c = s[0];
  if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
    if (auto i = parse_integer(s)) return *i;
    if (auto f = parse_float(s)) return *f;
  }
  return s;
}

std::vector<Json> parse_yaml_documents(std::string_view text, const std::string& source) {
  std::vector<Json> out;
  try {
    for (const YAML::Node& doc : YAML::LoadAll(std::string(text))) out.push_back(to_json(doc, source));
  } catch (const YAML::Exception& e) {
    yaml_error(e, text, source);
  }
  return out;
}

Json parse_yaml_values(std::string_view text, const std::string& source) {
  std::vector<Json> docs = parse_yaml_documents(text, source);
  if (docs.empty() || docs.front().is_null()) return Json::object();
  if (docs.size() > 1) throw usage_error(source + ": a values file holds one YAML document, this one has " +
                                         std::to_string(docs.size()), "remove the '---' separators");
  if (!docs.front().is_object())
    throw usage_error(source + ": a values file must be a mapping (key: value), not a " +
                      std::string(docs.front().type_name()));
  return docs.front();
}

}  // namespace llmctl::render
