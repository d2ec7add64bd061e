// Where llmctl talks to the Hub and where it keeps files, read from the same
// environment variables huggingface_hub reads (HF_ENDPOINT, HF_HOME,
// HF_HUB_CACHE, HF_HUB_OFFLINE, HF_TOKEN, ...), so llmctl, transformers and
// vLLM share one cache and one login.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace llmctl::hub {

// Reads one environment variable. Injected rather than calling getenv()
// directly so tests describe an environment without touching the process's.
using Env = std::function<std::optional<std::string>(const std::string& name)>;

// The real process environment.
Env process_env();

// huggingface_hub's truthiness for boolean variables: 1, ON, YES, TRUE (any case).
bool env_true(std::string_view value);

struct HubSettings {
  std::string endpoint = "https://huggingface.co";  // HF_ENDPOINT, without a trailing '/'
  std::filesystem::path hf_home;                     // HF_HOME
  std::filesystem::path cache_dir;                   // HF_HUB_CACHE: holds models--org--name/
  bool offline = false;                              // HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE)
  std::string token;                                 // sent as a Bearer token; empty: anonymous
  std::string token_source;                          // "--token", "HF_TOKEN", a file path, or ""
  long metadata_timeout_s = 10;                      // HF_HUB_ETAG_TIMEOUT: API and HEAD calls
  long download_timeout_s = 10;                      // HF_HUB_DOWNLOAD_TIMEOUT: a stalled transfer

  // `cli_token` (from --token) wins over HF_TOKEN, which wins over the token file.
  static HubSettings from_env(const Env& env, const std::string& cli_token = {});
};

}  // namespace llmctl::hub
