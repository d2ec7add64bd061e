#include "server/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmctl::server {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  // Prometheus buckets are "less than or equal": the first bound >= value.
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
  ++count_;
  sum_ += value;
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) out[i] = running += counts_[i];
  return out;
}

std::vector<double> ttft_buckets() {
  return {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
          1.0,   2.5,   5.0,  7.5,  10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
}

std::vector<double> inter_token_buckets() {
  return {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
}

std::vector<double> request_latency_buckets() {
  return {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0,
          30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
}

std::string prometheus_number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  std::string text = fmt::format("{}", value);  // shortest round-trip form
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

Metrics::Metrics(std::string model_name)
    : model_name_(std::move(model_name)),
      ttft_(ttft_buckets()),
      itl_(inter_token_buckets()),
      e2e_(request_latency_buckets()),
      queue_(request_latency_buckets()) {}

void Metrics::add_prompt_tokens(std::int64_t n) {
  std::lock_guard lock(mutex_);
  prompt_tokens_ += n;
}

void Metrics::add_generation_tokens(std::int64_t n) {
  std::lock_guard lock(mutex_);
  generation_tokens_ += n;
}

void Metrics::add_preemptions(std::int64_t n) {
  std::lock_guard lock(mutex_);
  preemptions_ += n;
}

void Metrics::request_finished(const std::string& finished_reason, double e2e_seconds) {
  std::lock_guard lock(mutex_);
  ++finished_[finished_reason];
  e2e_.observe(e2e_seconds);
}

void Metrics::observe_ttft(double seconds) {
  std::lock_guard lock(mutex_);
  ttft_.observe(seconds);
}

void Metrics::observe_inter_token(double seconds) {
  std::lock_guard lock(mutex_);
  itl_.observe(seconds);
}

void Metrics::observe_queue_time(double seconds) {
  std::lock_guard lock(mutex_);
  queue_.observe(seconds);
}

namespace {

// Label values escape backslash, double quote and newline.
std::string escape_label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void header(std::string& out, const std::string& name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void histogram(std::string& out, const std::string& name, const char* help, const Histogram& h,
               const std::string& labels) {
  header(out, name, "histogram", help);
  const std::vector<std::uint64_t> cumulative = h.cumulative();
  for (std::size_t i = 0; i < h.bounds().size(); ++i)
    out += fmt::format("{}_bucket{{le=\"{}\",{}}} {}\n", name, prometheus_number(h.bounds()[i]), labels,
                       prometheus_number(static_cast<double>(cumulative[i])));
  out += fmt::format("{}_bucket{{le=\"+Inf\",{}}} {}\n", name, labels, prometheus_number(static_cast<double>(h.count())));
  out += fmt::format("{}_count{{{}}} {}\n", name, labels, prometheus_number(static_cast<double>(h.count())));
  out += fmt::format("{}_sum{{{}}} {}\n", name, labels, prometheus_number(h.sum()));
}

}  // namespace

std::string Metrics::render(const LoadSnapshot& load) const {
  const std::string labels = fmt::format("model_name=\"{}\"", escape_label(model_name_));
  std::string out;
  const auto gauge = [&](const char* name, const char* help, double value) {
    header(out, name, "gauge", help);
    out += fmt::format("{}{{{}}} {}\n", name, labels, prometheus_number(value));
  };
  gauge("vllm:num_requests_running", "Number of requests in model execution batches.",
        static_cast<double>(load.running));
  gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", static_cast<double>(load.waiting));
  gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", load.kv_cache_usage);

  std::lock_guard lock(mutex_);
  const auto counter = [&](const char* name, const char* help, std::int64_t value) {
    header(out, name, "counter", help);
    out += fmt::format("{}{{{}}} {}\n", name, labels, prometheus_number(static_cast<double>(value)));
  };
  counter("vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", preemptions_);
  counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", prompt_tokens_);
  counter("vllm:generation_tokens_total", "Number of generation tokens processed.", generation_tokens_);
  header(out, "vllm:request_success_total", "counter", "Count of successfully processed requests.");
  // vLLM exports every reason, zero or not, so rate() queries see the series from the start.
  std::map<std::string, std::int64_t> reasons = {{"stop", 0}, {"length", 0}, {"abort", 0}};
  for (const auto& [reason, n] : finished_) reasons[reason] = n;
  for (const auto& [reason, n] : reasons)
    out += fmt::format("vllm:request_success_total{{finished_reason=\"{}\",{}}} {}\n", escape_label(reason), labels,
                       prometheus_number(static_cast<double>(n)));
  histogram(out, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", ttft_, labels);
  histogram(out, "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", itl_, labels);
  histogram(out, "vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", e2e_, labels);
  histogram(out, "vllm:request_queue_time_seconds",
            "Histogram of time spent in WAITING phase for request.", queue_, labels);
  return out;
}

}  // namespace llmctl::server
