// `llmctl bench serve`: benchmark an OpenAI-compatible endpoint with vLLM's
// metric definitions and console layout (lib/bench/serve_bench.hpp).
#pragma once

#include "cli.hpp"

#include "bench/serve_bench.hpp"

#include <string>

namespace llmctl::cmd {

struct BenchServeOptions {
  const cli::GlobalOptions* global = nullptr;
  bench::ServeBenchOptions bench;
  std::string request_rate = "inf";
  std::vector<std::string> dataset;  // NAME [FILE]
  std::string save_result;
  std::string save_csv;
  std::string save_svg;
  bool no_progress = false;
};

CLI::App* register_bench_serve(CLI::App& parent, BenchServeOptions& opts);
int run_bench_serve(const BenchServeOptions& opts);

}  // namespace llmctl::cmd
