#include "bench_engine.hpp"

#include "bench/engine_bench.hpp"
#include "runtime/session.hpp"

#include <iostream>

namespace llmctl::cmd {

CLI::App* register_bench_engine(CLI::App& parent, BenchEngineOptions& o) {
  auto* app = parent.add_subcommand("engine", "Offline prefill and decode tokens/s of the local engine (llama-bench style)");
  app->add_option("model", o.model, "Model: a local model directory, or a catalog alias / HF id (pulled, or with --dummy-weights)")
      ->required()
      ->type_name("MODEL");
  app->add_option("--device", o.device, "auto | cpu | cuda")->capture_default_str()->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  app->add_option("--dtype", o.dtype, "Weights in memory: auto (the checkpoint's: bf16 stays bf16), float32, bfloat16")
      ->capture_default_str()->check(CLI::IsMember({"auto", "float32", "bfloat16"}));
  app->add_option("--gpu-memory-utilization", o.gpu_memory_utilization, "CUDA: share of device memory to use")
      ->capture_default_str()->check(CLI::Range(0.05, 1.0));
  app->add_flag("--dummy-weights", o.dummy_weights, "Random weights of the real shapes (no download)");
  app->add_option("-p,--n-prompt", o.prompt_lens, "Prompt lengths of the pp tests (comma-separated, 0: none)")
      ->delimiter(',')->capture_default_str();
  app->add_option("-n,--n-gen", o.gen_lens, "Generated tokens of the tg tests (comma-separated, 0: none)")
      ->delimiter(',')->capture_default_str();
  app->add_option("--batch", o.batches, "Concurrent sequences per test (comma-separated)")->delimiter(',')->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("-r,--repetitions", o.repetitions, "Repetitions of each test")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--num-prompts", o.num_prompts, "Throughput mode: push N prompts through the scheduler at once")
      ->check(CLI::PositiveNumber);
  app->add_option("--input-len", o.input_len, "Throughput mode: prompt tokens")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--output-len", o.output_len, "Throughput mode: generated tokens")->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--max-model-len", o.max_model_len, "Positions per sequence (default: min(config, 4096) on the CPU)");
  app->add_option("--max-num-seqs", o.max_num_seqs, "Most sequences the scheduler runs at once")->capture_default_str();
  app->add_option("--seed", o.seed, "Seed of the random prompts")->capture_default_str();
  app->add_option("-o,--output", o.output, "md | csv | json")->capture_default_str()->check(CLI::IsMember({"md", "csv", "json"}));
  cli::set_examples(*app,
                    "  llmctl bench engine qwen3-0.6b --dummy-weights -p 512 -n 128 --batch 1,8 -r 3\n"
                    "  llmctl bench engine ./Qwen3-0.6B --num-prompts 64 --input-len 256 --output-len 64\n");
  return app;
}

int run_bench_engine(const BenchEngineOptions& o) {
  bench::EngineBenchOptions b;
  b.session.model = o.model;
  b.session.dummy_weights = o.dummy_weights;
  b.session.device = runtime::parse_device(o.device);
  b.session.dtype = o.dtype;
  b.session.gpu_memory_utilization = o.gpu_memory_utilization;
  b.session.max_model_len = o.max_model_len;
  b.session.max_num_seqs = o.max_num_seqs;
  b.prompt_lens = o.prompt_lens;
  b.gen_lens = o.gen_lens;
  b.batches = o.batches;
  b.repetitions = o.repetitions;
  b.num_prompts = o.num_prompts;
  b.input_len = o.input_len;
  b.output_len = o.output_len;
  b.seed = o.seed;
  const auto result = bench::run_engine_bench(b, [](const std::string& line) { std::cerr << line << "\n"; });
  if (o.output == "json") std::cout << bench::engine_json(result).dump(2) << "\n";
  else if (o.output == "csv") std::cout << bench::engine_csv(result);
  else std::cout << bench::engine_table_md(result);
  return 0;
}

}  // namespace llmctl::cmd
