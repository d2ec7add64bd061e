// `llmctl inspect <model>`: where a model reference resolves to, its parsed
// configuration and its exact parameter count.
#pragma once

#include "cli.hpp"

namespace llmctl::cmd {

struct InspectOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;
  std::string output;
};

CLI::App* register_inspect(CLI::App& root, InspectOptions& opts);
int run_inspect(const InspectOptions& opts);

}  // namespace llmctl::cmd
