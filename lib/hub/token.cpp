#include "hub/token.hpp"

#include <fstream>
#include <sstream>

namespace llmctl::hub {

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

Token resolve_token(const Env& env, const std::filesystem::path& hf_home, const std::string& cli_token) {
  if (const std::string token = trim(cli_token); !token.empty()) return {token, "--token"};
  for (const char* name : {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
    if (const std::string token = trim(env(name).value_or("")); !token.empty()) return {token, name};
  }

  const auto path_var = env("HF_TOKEN_PATH");
  const std::filesystem::path path =
      path_var && !path_var->empty() ? std::filesystem::path(*path_var) : hf_home / "token";
  std::ifstream file(path);
  if (!file) return {};
  std::ostringstream text;
  text << file.rdbuf();
  if (const std::string token = trim(text.str()); !token.empty()) return {token, path.string()};
  return {};
}

}  // namespace llmctl::hub
