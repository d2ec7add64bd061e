// `llmctl pull <model>`: download a model repository from the Hugging Face Hub
// into the shared HF cache (or --local-dir), list it (--dry-run), or read only
// its safetensors headers (--headers-only: every tensor's dtype and shape).
#pragma once

#include "cli.hpp"

#include <string>
#include <vector>

namespace llmctl::cmd {

struct PullOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;  // org/name[@revision] or a catalog alias
  std::string output;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string revision;
  std::string local_dir;
  std::string token;
  int max_workers = 8;
  bool dry_run = false;
  bool headers_only = false;
};

CLI::App* register_pull(CLI::App& root, PullOptions& opts);
int run_pull(const PullOptions& opts);

}  // namespace llmctl::cmd
