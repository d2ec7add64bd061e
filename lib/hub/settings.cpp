#include "hub/settings.hpp"

#include "hub/token.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace llmctl::hub {

namespace {

std::optional<std::string> non_empty(const Env& env, const std::string& name) {
  auto value = env(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// huggingface_hub calls os.path.expanduser on every path variable.
std::filesystem::path expand_user(const std::string& path, const Env& env) {
  if (path == "~" || path.starts_with("~/")) {
    if (const auto home = non_empty(env, "HOME")) return *home + path.substr(1);
  }
  return path;
}

long timeout_from(const Env& env, const std::string& name, long fallback) {
  const auto value = non_empty(env, name);
  if (!value) return fallback;
  char* end = nullptr;
  const double seconds = std::strtod(value->c_str(), &end);
  if (end == value->c_str() || seconds <= 0) return fallback;
  return std::max(1L, static_cast<long>(seconds + 0.5));
}

}  // namespace

Env process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

bool env_true(std::string_view value) {
  std::string upper(value);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper == "1" || upper == "ON" || upper == "YES" || upper == "TRUE";
}

HubSettings HubSettings::from_env(const Env& env, const std::string& cli_token) {
  HubSettings s;
  if (auto endpoint = non_empty(env, "HF_ENDPOINT")) {
    while (!endpoint->empty() && endpoint->back() == '/') endpoint->pop_back();
    s.endpoint = *endpoint;
  }

  if (const auto home = non_empty(env, "HF_HOME")) {
    s.hf_home = expand_user(*home, env);
  } else {
    const std::string xdg = non_empty(env, "XDG_CACHE_HOME").value_or("~/.cache");
    s.hf_home = expand_user(xdg, env) / "huggingface";
  }

  if (const auto cache = non_empty(env, "HF_HUB_CACHE")) {
    s.cache_dir = expand_user(*cache, env);
  } else if (const auto legacy = non_empty(env, "HUGGINGFACE_HUB_CACHE")) {
    s.cache_dir = expand_user(*legacy, env);
  } else {
    s.cache_dir = s.hf_home / "hub";
  }

  s.offline = env_true(env("HF_HUB_OFFLINE").value_or("")) ||
              env_true(env("TRANSFORMERS_OFFLINE").value_or(""));
  s.metadata_timeout_s = timeout_from(env, "HF_HUB_ETAG_TIMEOUT", s.metadata_timeout_s);
  s.download_timeout_s = timeout_from(env, "HF_HUB_DOWNLOAD_TIMEOUT", s.download_timeout_s);

  const Token token = resolve_token(env, s.hf_home, cli_token);
  s.token = token.value;
  s.token_source = token.source;
  return s;
}

}  // namespace llmctl::hub
