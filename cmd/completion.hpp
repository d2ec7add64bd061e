// `llmctl completion bash|zsh|fish`: a completion script generated from the
// live CLI definition (subcommands, flags, enumerated values, model aliases).
#pragma once

#include "cli.hpp"

namespace llmctl::cmd {

struct CompletionOptions {
  const cli::GlobalOptions* global = nullptr;
  CLI::App* root = nullptr;  // the whole CLI, walked to generate the script
  std::string shell;
};

CLI::App* register_completion(CLI::App& root, CompletionOptions& opts);
int run_completion(const CompletionOptions& opts);

}  // namespace llmctl::cmd
