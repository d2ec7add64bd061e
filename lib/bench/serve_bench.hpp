// `llmctl bench serve` as a library call: load the prompts, check the endpoint
// with one request (vLLM's initial test run), warm up, then run the benchmark
// once or once per --sweep value, and compute the metrics of each run.
#pragma once

#include "bench/client.hpp"
#include "bench/dataset.hpp"
#include "bench/metrics.hpp"
#include "bench/report.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::bench {

struct ServeBenchOptions {
  std::string base_url = "http://127.0.0.1:8000";
  std::string endpoint = "/v1/completions";
  std::string model;       // empty: the first of GET /v1/models
  std::string tokenizer;   // directory or tokenizer.json; empty: the model's, when --model is a local directory
  std::string api_key;
  DatasetOptions dataset;
  double request_rate = std::numeric_limits<double>::infinity();
  double burstiness = 1.0;
  std::int64_t max_concurrency = 0;
  std::int64_t warmup = 0;
  std::vector<std::string> goodput;
  std::string percentiles = "99";
  std::string sweep;       // "concurrency=1,4,16"
  bool ignore_eos = false;
  std::optional<double> temperature;
  bool ready_check = true;
  std::uint64_t seed = 0;
};

struct ServeRun {
  RunInfo info;
  BenchmarkMetrics metrics;
  std::vector<RequestResult> results;
};

struct ServeBenchHooks {
  std::function<void(const std::string&)> log;  // progress lines (stderr)
  bool progress_bar = false;                      // draw a bar on stderr
  const std::atomic<bool>* interrupted = nullptr;
};

// "concurrency=1,4,16,64" -> {1, 4, 16, 64}; usage Error otherwise.
std::vector<std::int64_t> parse_sweep(const std::string& text);

// Runs the benchmark(s). Failed requests are results, not errors; an endpoint
// whose first test request fails is a runtime Error naming the cause.
std::vector<ServeRun> run_serve_bench(const ServeBenchOptions& options, const ServeBenchHooks& hooks);

// Files next to each other: the JSON (a sweep: {"runs": [...]}), the per-request
// CSV (a sweep: one per run, ".c<N>.csv"), and the SVG chart. Empty paths: skipped.
void save_serve_outputs(const std::vector<ServeRun>& runs, bool sweep, const std::string& json_path,
                        const std::string& csv_path, const std::string& svg_path);

}  // namespace llmctl::bench
