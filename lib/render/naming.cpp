#include "render/naming.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::render {

namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

std::string trim_dashes(std::string s) {
  while (!s.empty() && !alnum(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && !alnum(s[start])) ++start;
  return s.substr(start);
}

}  // namespace

std::string dns_label(std::string_view text, std::size_t max_size) {
  std::string out;
  for (char c : text) {
    const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower_alnum(l))
      out += l;
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  out = trim_dashes(out);
  if (out.empty() || !(out[0] >= 'a' && out[0] <= 'z')) out = "m-" + out;
  if (out.size() > max_size) out = trim_dashes(out.substr(0, max_size));
  return out;
}

std::string default_service_name(std::string_view hf_id, std::string_view engine) {
  const std::size_t slash = hf_id.rfind('/');
  const std::string suffix = "-" + std::string(engine);
  return dns_label(slash == std::string_view::npos ? hf_id : hf_id.substr(slash + 1), 63 - suffix.size()) + suffix;
}

void check_dns_label(std::string_view name, std::string_view what) {
  bool ok = !name.empty() && name.size() <= 63 && name.front() >= 'a' && name.front() <= 'z' && lower_alnum(name.back());
  for (char c : name) ok = ok && (lower_alnum(c) || c == '-');
  if (!ok)
    throw usage_error(fmt::format("{} '{}' is not a valid Kubernetes name", what, name),
                      fmt::format("use at most 63 lowercase letters, digits and '-', starting with a letter, e.g. '{}'",
                                  dns_label(name, 63)));
}

std::string label_value(std::string_view text) {
  std::string out;
  for (char c : text) out += (alnum(c) || c == '-' || c == '_' || c == '.') ? c : '-';
  out = trim_dashes(out.substr(0, 63));
  return trim_dashes(out);
}

Json standard_labels(const LabelInputs& in) {
  Json labels = Json::object();
  labels["app.kubernetes.io/name"] = in.engine;
  labels["app.kubernetes.io/instance"] = in.name;
  labels["app.kubernetes.io/component"] = in.name;
  const std::string version = label_value(in.version);
  if (!version.empty()) labels["app.kubernetes.io/version"] = version;
  labels["app.kubernetes.io/managed-by"] = "llmctl";
  if (in.extra.is_object())
    for (const auto& [key, value] : in.extra.items()) labels[key] = value.is_string() ? value : Json(value.dump());
  return labels;
}

Json component_selector(std::string_view name) {
  Json selector = Json::object();
  selector["app.kubernetes.io/component"] = std::string(name);
  return selector;
}

}  // namespace llmctl::render
