#include "bench_engine.hpp"

#include "bench/engine_bench.hpp"
#include "runtime/session.hpp"

#include <iostream>

namespace llmctl::cmd {

CLI::App* register_bench_engine(CLI::App& parent, BenchEngineOptions& o) {
  auto* app = parent.add_subcommand("engine", "Offline prefill and decode tokens/s of the local engine (llama-bench style)");
  add_engine_flags(*app, o.engine);
  app->add_option("-p,--n-prompt", o.bench.prompt_lens, "Prompt lengths of the pp tests (comma-separated, 0: none)")
      ->delimiter(',')->capture_default_str();
  app->add_option("-n,--n-gen", o.bench.gen_lens, "Generated tokens of the tg tests (comma-separated, 0: none)")
      ->delimiter(',')->capture_default_str();
  app->add_option("--batch", o.bench.batches, "Concurrent sequences per test (comma-separated)")->delimiter(',')->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("-r,--repetitions", o.bench.repetitions, "Repetitions of each test")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--num-prompts", o.bench.num_prompts, "Throughput mode: push N prompts through the scheduler at once")
      ->check(CLI::PositiveNumber);
  app->add_option("--input-len", o.bench.input_len, "Throughput mode: prompt tokens")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--output-len", o.bench.output_len, "Throughput mode: generated tokens")->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--max-num-seqs", o.engine.session.max_num_seqs, "Most sequences the scheduler runs at once")->capture_default_str();
  app->add_option("--seed", o.bench.seed, "Seed of the random prompts")->capture_default_str();
  app->add_option("-o,--output", o.output, "md | csv | json")->capture_default_str()->check(CLI::IsMember({"md", "csv", "json"}));
  cli::set_examples(*app,
                    "  llmctl bench engine qwen3-0.6b --dummy-weights -p 512 -n 128 --batch 1,8 -r 3\n"
                    "  llmctl bench engine ./Qwen3-0.6B --num-prompts 64 --input-len 256 --output-len 64\n");
  return app;
}

int run_bench_engine(const BenchEngineOptions& o) {
  bench::EngineBenchOptions b = o.bench;
  b.session = o.engine.resolve();
  const auto result = bench::run_engine_bench(b, [](const std::string& line) { std::cerr << line << "\n"; });
  if (o.output == "json") std::cout << bench::engine_json(result).dump(2) << "\n";
  else if (o.output == "csv") std::cout << bench::engine_csv(result);
  else std::cout << bench::engine_table_md(result);
  return 0;
}

}  // namespace llmctl::cmd
