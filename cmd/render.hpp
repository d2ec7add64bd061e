// `llmctl render <model>`: production Kubernetes manifests for vLLM (or
// SGLang, or llmctl serve) derived from the sizing, compatible with the
// AI-on-EKS inference chart's values files and names (lib/render).
#pragma once

#include "cli.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::cmd {

struct RenderOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;
  std::string output = "yaml";
  std::string gpu;
  std::string instance;
  std::string engine;
  std::optional<std::int64_t> context;
  std::optional<std::int64_t> concurrency;
  std::optional<std::int64_t> tp;
  std::optional<std::int64_t> pp;
  std::optional<std::int64_t> replicas;
  std::string ns;
  std::string name;
  std::string image;
  std::vector<std::string> with;
  std::vector<std::string> values_files;
  std::vector<std::string> sets;
  std::string template_dir;
};

CLI::App* register_render(CLI::App& root, RenderOptions& opts);
int run_render(const RenderOptions& opts);

}  // namespace llmctl::cmd
