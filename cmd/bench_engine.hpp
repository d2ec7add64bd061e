// `llmctl bench engine <model>`: offline prefill/decode tokens/s of our engine
// in llama-bench's table layout, or a throughput run (lib/bench/engine_bench.hpp).
#pragma once

#include "cli.hpp"
#include "engine_flags.hpp"
#include "bench/engine_bench.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl::cmd {

struct BenchEngineOptions {
  const cli::GlobalOptions* global = nullptr;
  EngineFlags engine;
  bench::EngineBenchOptions bench;  // the tests; its session comes from `engine`
  std::string output = "md";
};

CLI::App* register_bench_engine(CLI::App& parent, BenchEngineOptions& opts);
int run_bench_engine(const BenchEngineOptions& opts);

}  // namespace llmctl::cmd
