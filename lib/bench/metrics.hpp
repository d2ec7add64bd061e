// The serving metrics of a finished run, with vLLM's definitions
// (vllm/benchmarks/serve.py, calculate_metrics), so the numbers compare line
// by line with `vllm bench serve`:
//   TPOT_i   = (E2EL_i - TTFT_i) / (output_tokens_i - 1), only when output_tokens_i > 1
//   ITL      = every gap between text-carrying chunks of every request, pooled
//   request_throughput = completed / duration; output_throughput = sum(output) / duration;
//   total_token_throughput = (sum(input) + sum(output)) / duration
//   goodput  = requests meeting every SLO (TTFT, TPOT, E2EL <= limit; TPOT counts as
//              0 for one-token outputs) / duration
//   mean/std (population, ddof 0) and percentiles (linear interpolation, numpy's default)
//   peak concurrency: maximum overlap of the successful requests' [start, start + E2EL)
//   max_output_tokens_per_s: text chunks per one-second bucket, the busiest bucket
#pragma once

#include "bench/request.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace llmctl::tok {
class Tokenizer;
}

namespace llmctl::bench {

// Numpy's percentile (linear): p in [0, 100]; 0 for an empty sample (vLLM's `or 0`).
double percentile(std::vector<double> values, double p);
double mean(std::span<const double> values);
double stddev(std::span<const double> values);  // population (ddof = 0)

struct Goodput {
  std::optional<double> ttft_ms, tpot_ms, e2el_ms;
  bool empty() const { return !ttft_ms && !tpot_ms && !e2el_ms; }
};
// "ttft:200,tpot:50,e2el:2000" (or the pieces space-separated); usage Error on bad input.
Goodput parse_goodput(const std::vector<std::string>& pairs);
// "50,90,99" -> {50, 90, 99}.
std::vector<double> parse_percentiles(const std::string& text);

// Output token counts for requests whose server sent no usage: the tokenizer's
// count of the generated text (add_special_tokens = false), else the number of
// text-carrying chunks. Each result records which source it used.
void fill_token_counts(std::vector<RequestResult>& results, const tok::Tokenizer* tokenizer);

struct Distribution {
  double mean = 0, median = 0, std = 0;
  std::vector<std::pair<double, double>> percentiles;  // (p, value), ms
};
Distribution distribution_ms(const std::vector<double>& seconds, const std::vector<double>& percentiles);

struct BenchmarkMetrics {
  std::int64_t completed = 0, failed = 0;
  std::int64_t total_input = 0, total_output = 0;
  double duration_s = 0;
  double request_throughput = 0, request_goodput = 0;
  double output_throughput = 0, total_token_throughput = 0;
  double max_output_tokens_per_s = 0;
  std::int64_t max_concurrent_requests = 0;
  double achieved_request_rate = 0;  // requests / last actual send offset (arrival process check)
  Distribution ttft, tpot, itl, e2el, send_lag, queue_time;
  std::map<std::string, std::int64_t> output_token_sources;  // "usage" -> count ...
  std::vector<std::int64_t> output_lens;  // per request, 0 for failures
  std::vector<double> tpots;              // per request, 0 when undefined
};

BenchmarkMetrics calculate_metrics(const std::vector<RequestResult>& results, double duration_s,
                                   const std::vector<double>& percentiles, const Goodput& goodput);

}  // namespace llmctl::bench
