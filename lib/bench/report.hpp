// A finished run as text: vLLM's console layout, its --save-result JSON fields,
// a per-request CSV, and SVG charts (latency CDFs; sweep curves).
#pragma once

#include "bench/metrics.hpp"
#include "bench/request.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace llmctl::bench {

// What was asked for (the header fields of vLLM's result JSON).
struct RunInfo {
  std::string backend = "openai";   // vLLM's backend name: openai | openai-chat
  std::string endpoint;             // /v1/completions ...
  std::string base_url;
  std::string model_id;
  std::string tokenizer_id;         // empty: none
  std::string dataset;
  std::int64_t num_prompts = 0;
  double request_rate = std::numeric_limits<double>::infinity();
  double burstiness = 1.0;
  std::int64_t max_concurrency = 0;  // 0: none
  Goodput goodput;
  std::vector<double> percentiles{99};
  std::string date;                  // YYYYMMDD-HHMMSS, local time
};

// "============ Serving Benchmark Result ============" ... "=====" (vLLM's lines
// and formats), then llmctl's client section (send lag, achieved rate, token sources).
std::string console_report(const RunInfo& info, const BenchmarkMetrics& m);

// vLLM's --save-result object: header fields, totals, per-request arrays, and
// mean_/median_/std_/pNN_{ttft,tpot,itl,e2el}_ms; plus llmctl_* extras.
nlohmann::json result_json(const RunInfo& info, const BenchmarkMetrics& m, const std::vector<RequestResult>& results);

// One row per request: timings in ms, token counts and their sources, error.
std::string requests_csv(const std::vector<RequestResult>& results, const BenchmarkMetrics& m);

// Four panels of empirical CDFs (TTFT, TPOT, ITL, E2EL).
std::string latency_cdf_svg(const std::vector<RequestResult>& results, const BenchmarkMetrics& m,
                            const std::string& title);

// A sweep over --max-concurrency: one point per run.
struct SweepPoint {
  std::int64_t concurrency = 0;
  BenchmarkMetrics metrics;
};
// Output token throughput, and median/P99 TTFT and TPOT, against concurrency.
std::string sweep_svg(const std::vector<SweepPoint>& points, const std::string& title);
// A compact table of the sweep on the console.
std::string sweep_table(const std::vector<SweepPoint>& points, const std::vector<double>& percentiles);

}  // namespace llmctl::bench
