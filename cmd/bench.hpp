// `llmctl bench`: the command group of the benchmarks (serve, engine).
#pragma once

#include "bench_engine.hpp"
#include "bench_serve.hpp"
#include "cli.hpp"

namespace llmctl::cmd {

struct BenchOptions {
  const cli::GlobalOptions* global = nullptr;
  BenchServeOptions serve;
  BenchEngineOptions engine;
  CLI::App* serve_app = nullptr;
  CLI::App* engine_app = nullptr;
};

CLI::App* register_bench(CLI::App& root, BenchOptions& opts);
int run_bench(const BenchOptions& opts);

}  // namespace llmctl::cmd
