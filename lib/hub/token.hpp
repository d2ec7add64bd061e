// The access token, found where Hugging Face's own tools look for it.
#pragma once

#include "hub/settings.hpp"

#include <filesystem>
#include <string>

namespace llmctl::hub {

struct Token {
  std::string value;   // empty: none found
  std::string source;  // "--token", "HF_TOKEN", or the file it was read from
};

// In order: `cli_token`, $HF_TOKEN (or the legacy $HUGGING_FACE_HUB_TOKEN), then
// the file `hf auth login` writes: $HF_TOKEN_PATH, default $HF_HOME/token.
// Surrounding whitespace is dropped; an empty value counts as absent.
Token resolve_token(const Env& env, const std::filesystem::path& hf_home, const std::string& cli_token);

}  // namespace llmctl::hub
