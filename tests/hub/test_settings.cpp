#include "hub/settings.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace llmctl::hub;

namespace {

Env env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("settings default to huggingface_hub's locations") {
  const HubSettings s = HubSettings::from_env(env_of({{"HOME", "/home/u"}}));
  CHECK(s.endpoint == "https://huggingface.co");
  CHECK(s.hf_home == "/home/u/.cache/huggingface");
  CHECK(s.cache_dir == "/home/u/.cache/huggingface/hub");
  CHECK_FALSE(s.offline);
  CHECK(s.token.empty());
  CHECK(s.metadata_timeout_s == 10);
  CHECK(s.download_timeout_s == 10);
}

TEST_CASE("XDG_CACHE_HOME, HF_HOME and HF_HUB_CACHE move the cache") {
  CHECK(HubSettings::from_env(env_of({{"XDG_CACHE_HOME", "/x"}})).cache_dir == "/x/huggingface/hub");
  CHECK(HubSettings::from_env(env_of({{"HF_HOME", "/h"}})).cache_dir == "/h/hub");
  CHECK(HubSettings::from_env(env_of({{"HF_HOME", "~/hf"}, {"HOME", "/home/u"}})).hf_home == "/home/u/hf");
  CHECK(HubSettings::from_env(env_of({{"HF_HOME", "/h"}, {"HF_HUB_CACHE", "/c"}})).cache_dir == "/c");
  CHECK(HubSettings::from_env(env_of({{"HUGGINGFACE_HUB_CACHE", "/legacy"}})).cache_dir == "/legacy");
  CHECK(HubSettings::from_env(env_of({{"HF_HUB_CACHE", "/new"}, {"HUGGINGFACE_HUB_CACHE", "/legacy"}})).cache_dir ==
        "/new");
}

TEST_CASE("HF_ENDPOINT loses its trailing slashes") {
  CHECK(HubSettings::from_env(env_of({{"HF_ENDPOINT", "http://127.0.0.1:8080//"}})).endpoint ==
        "http://127.0.0.1:8080");
}

TEST_CASE("HF_HUB_OFFLINE uses huggingface_hub's truthy values") {
  for (const char* yes : {"1", "true", "TRUE", "on", "Yes"})
    CHECK(HubSettings::from_env(env_of({{"HF_HUB_OFFLINE", yes}})).offline);
  for (const char* no : {"0", "false", "", "off", "2"})
    CHECK_FALSE(HubSettings::from_env(env_of({{"HF_HUB_OFFLINE", no}})).offline);
  CHECK(HubSettings::from_env(env_of({{"TRANSFORMERS_OFFLINE", "1"}})).offline);
  CHECK(env_true("ON"));
  CHECK_FALSE(env_true("nope"));
}

TEST_CASE("timeouts come from HF_HUB_ETAG_TIMEOUT and HF_HUB_DOWNLOAD_TIMEOUT") {
  const HubSettings s =
      HubSettings::from_env(env_of({{"HF_HUB_ETAG_TIMEOUT", "3"}, {"HF_HUB_DOWNLOAD_TIMEOUT", "0.4"}}));
  CHECK(s.metadata_timeout_s == 3);
  CHECK(s.download_timeout_s == 1);  // rounded, at least one second
  CHECK(HubSettings::from_env(env_of({{"HF_HUB_ETAG_TIMEOUT", "junk"}})).metadata_timeout_s == 10);
}

TEST_CASE("the token flows into the settings") {
  const HubSettings s = HubSettings::from_env(env_of({{"HF_TOKEN", "hf_env"}}), "hf_cli");
  CHECK(s.token == "hf_cli");
  CHECK(s.token_source == "--token");
}
