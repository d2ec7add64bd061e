// The Prometheus metrics of GET /metrics, with vLLM's names, label
// (model_name) and histogram buckets (vllm/v1/metrics/loggers.py), so vLLM
// dashboards, KEDA triggers and autoscalers read llmctl unchanged:
//
//   gauges      vllm:num_requests_running, vllm:num_requests_waiting, vllm:kv_cache_usage_perc (0..1)
//   counters    vllm:prompt_tokens_total, vllm:generation_tokens_total,
//               vllm:request_success_total{finished_reason}, vllm:num_preemptions_total
//   histograms  vllm:time_to_first_token_seconds, vllm:inter_token_latency_seconds,
//               vllm:e2e_request_latency_seconds, vllm:request_queue_time_seconds
//
// The engine thread records; HTTP threads render. One mutex guards it all:
// recording is a few additions per token, far below a forward pass.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace llmctl::server {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound (Prometheus "le"), then +Inf = count().
  std::vector<std::uint64_t> cumulative() const;
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, non-cumulative; last = above every bound
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
};

// vLLM's bucket boundaries.
std::vector<double> ttft_buckets();
std::vector<double> inter_token_buckets();
std::vector<double> request_latency_buckets();  // e2e and queue time

// Scheduler state at the time of a scrape.
struct LoadSnapshot {
  std::int64_t running = 0;
  std::int64_t waiting = 0;
  double kv_cache_usage = 0.0;  // fraction of KV blocks held by sequences
};

class Metrics {
 public:
  explicit Metrics(std::string model_name);

  void add_prompt_tokens(std::int64_t n);
  void add_generation_tokens(std::int64_t n);
  void add_preemptions(std::int64_t n);
  void request_finished(const std::string& finished_reason, double e2e_seconds);
  void observe_ttft(double seconds);
  void observe_inter_token(double seconds);
  void observe_queue_time(double seconds);

  // Prometheus text exposition format 0.0.4.
  std::string render(const LoadSnapshot& load) const;

 private:
  std::string model_name_;
  mutable std::mutex mutex_;
  std::int64_t prompt_tokens_ = 0;
  std::int64_t generation_tokens_ = 0;
  std::int64_t preemptions_ = 0;
  std::map<std::string, std::int64_t> finished_;  // by finished_reason
  Histogram ttft_, itl_, e2e_, queue_;
};

// A number as Python's prometheus_client writes it: "1.0", "0.25", "+Inf".
std::string prometheus_number(double value);

}  // namespace llmctl::server
