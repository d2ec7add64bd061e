// `llmctl models`: the built-in catalog of model aliases.
#pragma once

#include "cli.hpp"

namespace llmctl::cmd {

struct ModelsOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string output;
  std::string filter;  // substring of alias, HF id or architecture
};

CLI::App* register_models(CLI::App& root, ModelsOptions& opts);
int run_models(const ModelsOptions& opts);

}  // namespace llmctl::cmd
