#include "bench.hpp"

#include <iostream>

namespace llmctl::cmd {

CLI::App* register_bench(CLI::App& root, BenchOptions& o) {
  auto* app = root.add_subcommand("bench", "Benchmark an OpenAI endpoint (serve) or the local engine (engine)");
  app->require_subcommand(0, 1);
  o.serve.global = o.global;
  o.engine.global = o.global;
  o.serve_app = register_bench_serve(*app, o.serve);
  o.engine_app = register_bench_engine(*app, o.engine);
  return app;
}

int run_bench(const BenchOptions& o) {
  if (o.serve_app->parsed()) return run_bench_serve(o.serve);
  if (o.engine_app->parsed()) return run_bench_engine(o.engine);
  std::cout << o.serve_app->get_parent()->help();
  return 0;
}

}  // namespace llmctl::cmd
