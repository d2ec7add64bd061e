// `llmctl bench engine <model>`: offline prefill/decode tokens/s of our engine
// in llama-bench's table layout, or a throughput run (lib/bench/engine_bench.hpp).
#pragma once

#include "cli.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl::cmd {

struct BenchEngineOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;
  std::string device = "auto";
  std::string dtype = "auto";
  double gpu_memory_utilization = 0.9;
  bool dummy_weights = false;
  std::vector<std::int64_t> prompt_lens{512};
  std::vector<std::int64_t> gen_lens{128};
  std::vector<std::int64_t> batches{1};
  std::int64_t repetitions = 5;
  std::int64_t num_prompts = 0;
  std::int64_t input_len = 512;
  std::int64_t output_len = 128;
  std::int64_t max_model_len = 0;
  std::int64_t max_num_seqs = 256;
  std::uint64_t seed = 0;
  std::string output = "md";
};

CLI::App* register_bench_engine(CLI::App& parent, BenchEngineOptions& opts);
int run_bench_engine(const BenchEngineOptions& opts);

}  // namespace llmctl::cmd
