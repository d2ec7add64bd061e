// `llmctl run <model> -p "prompt"`: offline generation on the CPU engine,
// streaming text to stdout, prefill and decode tokens/s on stderr.
#pragma once

#include "cli.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace llmctl::cmd {

struct RunOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;
  std::string prompt;
  std::int64_t prompt_tokens = 0;  // > 0: a synthetic prompt of this many ids (benchmarks)
  std::int64_t max_tokens = 128;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::optional<std::int64_t> seed;
  bool ignore_eos = false;
  bool dummy_weights = false;
  std::int64_t batch = 1;         // concurrent copies of the request (aggregate throughput)
  std::int64_t max_model_len = 0; // 0: min(max_position_embeddings, 4096)
};

CLI::App* register_run(CLI::App& root, RunOptions& opts);
int run_run(const RunOptions& opts);

}  // namespace llmctl::cmd
