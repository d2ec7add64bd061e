// `llmctl size <model>`: exact GPU memory (weights by precision, KV cache,
// activations, runtime), vLLM's allocation and start-up lines on a GPU or
// instance, and the cheapest fit across the catalog.
#pragma once

#include "cli.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::cmd {

struct SizeOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;
  std::string output;
  std::string dtype = "auto";
  std::string kv_dtype = "auto";
  std::optional<std::int64_t> context;
  std::int64_t concurrency = 1;
  std::optional<std::int64_t> tp;
  std::optional<std::int64_t> pp;
  std::optional<std::int64_t> max_num_batched_tokens;
  std::optional<std::int64_t> max_num_seqs;
  std::optional<double> gpu_memory_utilization;
  std::optional<std::int64_t> block_size;
  std::string vllm_version = "0.11";
  std::vector<std::string> vllm_constants;  // name=value
  std::string gpu;
  std::string instance;
  std::string weights_from = "auto";
  bool check = false;
  bool guide = false;
  bool explain = false;
};

CLI::App* register_size(CLI::App& root, SizeOptions& opts);
int run_size(const SizeOptions& opts);

}  // namespace llmctl::cmd
