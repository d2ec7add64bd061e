#include "hub/token.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

using namespace llmctl::hub;
namespace fs = std::filesystem;

namespace {

Env env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

fs::path temp_home() {
  const fs::path dir = fs::temp_directory_path() / ("llmctl-token-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("--token beats HF_TOKEN beats the token file") {
  const fs::path home = temp_home();
  std::ofstream(home / "token") << "  hf_file\n";
  CHECK(resolve_token(env_of({{"HF_TOKEN", "hf_env"}}), home, "hf_cli").value == "hf_cli");
  CHECK(resolve_token(env_of({{"HF_TOKEN", "hf_env"}}), home, "").value == "hf_env");
  CHECK(resolve_token(env_of({{"HF_TOKEN", "hf_env"}}), home, "").source == "HF_TOKEN");
  CHECK(resolve_token(env_of({{"HUGGING_FACE_HUB_TOKEN", "hf_old"}}), home, "").value == "hf_old");
  const Token file = resolve_token(env_of({}), home, "");
  CHECK(file.value == "hf_file");
  CHECK(file.source == (home / "token").string());
  fs::remove_all(home);
}

TEST_CASE("HF_TOKEN_PATH points at another token file; empty values count as absent") {
  const fs::path home = temp_home();
  std::ofstream(home / "elsewhere") << "hf_elsewhere";
  CHECK(resolve_token(env_of({{"HF_TOKEN", " "}, {"HF_TOKEN_PATH", (home / "elsewhere").string()}}), home, "").value ==
        "hf_elsewhere");
  CHECK(resolve_token(env_of({}), home, "").value.empty());  // no file in home
  CHECK(resolve_token(env_of({}), home, "").source.empty());
  fs::remove_all(home);
}
