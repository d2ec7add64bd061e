// `llmctl bench engine`: offline speed of our own engine, no HTTP.
//   pp<P> @ batch B: B prompts of P random token ids prefilled together;
//                    tokens/s = B * P / (wall time of the prefill steps)
//   tg<N> @ batch B: B one-token prompts, then N decode steps;
//                    tokens/s = decoded tokens / (wall time of the decode-only steps)
// Each test runs -r times on a fresh engine (prefix caching off, so nothing is
// reused between repetitions) after one warm-up; mean ± sample standard deviation
// as llama-bench prints them.
// Throughput mode (vLLM's `bench throughput`): N prompts of --input-len random
// ids, each generating --output-len tokens (ignore_eos), all queued at once and
// pushed through the scheduler; requests/s and tokens/s over the wall time.
#pragma once

#include "runtime/session.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::bench {

struct EngineBenchOptions {
  runtime::SessionOptions session;
  std::vector<std::int64_t> prompt_lens{512};
  std::vector<std::int64_t> gen_lens{128};
  std::vector<std::int64_t> batches{1};
  std::int64_t repetitions = 5;
  // Throughput mode when num_prompts > 0.
  std::int64_t num_prompts = 0;
  std::int64_t input_len = 512;
  std::int64_t output_len = 128;
  std::uint64_t seed = 0;
};

struct EngineModelInfo {
  std::string model;
  std::int64_t size_bytes = 0;
  std::uint64_t params = 0;
  std::string backend;   // CPU | CUDA
  std::string device;
  std::int64_t threads = 0;
};

struct EngineBenchRow {
  std::string test;      // pp512 | tg128
  std::int64_t batch = 1;
  std::int64_t n_prompt = 0, n_gen = 0;
  std::vector<double> samples;  // tokens/s of each repetition
  double mean = 0, sd = 0;
};

struct ThroughputResult {
  std::int64_t num_prompts = 0;
  std::int64_t prompt_tokens = 0, output_tokens = 0;
  double elapsed_s = 0;
  std::int64_t preemptions = 0;
  double requests_per_s() const { return elapsed_s > 0 ? num_prompts / elapsed_s : 0; }
  double total_tokens_per_s() const { return elapsed_s > 0 ? (prompt_tokens + output_tokens) / elapsed_s : 0; }
  double output_tokens_per_s() const { return elapsed_s > 0 ? output_tokens / elapsed_s : 0; }
};

struct EngineBenchResult {
  EngineModelInfo info;
  std::vector<EngineBenchRow> rows;
  std::optional<ThroughputResult> throughput;
};

EngineBenchResult run_engine_bench(const EngineBenchOptions& options, const std::function<void(const std::string&)>& log);

// llama-bench's markdown table (with a batch column), CSV, JSON.
std::string engine_table_md(const EngineBenchResult& result);
std::string engine_csv(const EngineBenchResult& result);
nlohmann::json engine_json(const EngineBenchResult& result);

}  // namespace llmctl::bench
