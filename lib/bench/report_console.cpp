// vLLM's console layout: 50-wide banners, "{:<40} {:<10}" rows.
#include "bench/report.hpp"

#include <fmt/format.h>

#include <cmath>

namespace llmctl::bench {

namespace {

std::string banner(const std::string& title, char fill) {
  // Python's "{s:{c}^{n}}": centred, the extra fill character goes to the right.
  const std::size_t width = 50;
  if (title.size() >= width) return title + "\n";
  const std::size_t left = (width - title.size()) / 2;
  return std::string(left, fill) + title + std::string(width - title.size() - left, fill) + "\n";
}

std::string row(const std::string& label, const std::string& value) { return fmt::format("{:<40} {:<10}\n", label, value); }
std::string row(const std::string& label, double value) { return fmt::format("{:<40} {:<10.2f}\n", label, value); }
std::string row(const std::string& label, std::int64_t value) { return fmt::format("{:<40} {:<10}\n", label, value); }

std::string p_word(double p) {
  return p == std::floor(p) ? fmt::format("{}", static_cast<long long>(p)) : fmt::format("{}", p);
}

std::string section(const std::string& header, const std::string& name, const Distribution& d) {
  std::string out = banner(header, '-');
  out += row(fmt::format("Mean {} (ms):", name), d.mean);
  out += row(fmt::format("Median {} (ms):", name), d.median);
  for (const auto& [p, v] : d.percentiles) out += row(fmt::format("P{} {} (ms):", p_word(p), name), v);
  return out;
}

}  // namespace

std::string console_report(const RunInfo& info, const BenchmarkMetrics& m) {
  std::string out = banner(" Serving Benchmark Result ", '=');
  out += row("Successful requests:", m.completed);
  out += row("Failed requests:", m.failed);
  if (info.max_concurrency > 0) out += row("Maximum request concurrency:", info.max_concurrency);
  if (!std::isinf(info.request_rate)) out += row("Request rate configured (RPS):", info.request_rate);
  out += row("Benchmark duration (s):", m.duration_s);
  out += row("Total input tokens:", m.total_input);
  out += row("Total generated tokens:", m.total_output);
  out += row("Request throughput (req/s):", m.request_throughput);
  if (!info.goodput.empty()) out += row("Request goodput (req/s):", m.request_goodput);
  out += row("Output token throughput (tok/s):", m.output_throughput);
  out += row("Peak output token throughput (tok/s):", m.max_output_tokens_per_s);
  out += row("Peak concurrent requests:", static_cast<double>(m.max_concurrent_requests));
  out += row("Total token throughput (tok/s):", m.total_token_throughput);
  out += section("Time to First Token", "TTFT", m.ttft);
  out += section("Time per Output Token (excl. 1st token)", "TPOT", m.tpot);
  out += section("Inter-token Latency", "ITL", m.itl);
  out += section("End-to-end Latency", "E2EL", m.e2el);
  if (info.max_concurrency > 0) out += section("Client-side Queueing", "Client Queue Time", m.queue_time);
  // llmctl's own lines: is the client keeping up, and where the token counts came from.
  out += banner("Client (llmctl)", '-');
  if (!std::isinf(info.request_rate)) out += row("Achieved request rate (RPS):", m.achieved_request_rate);
  out += row("Mean send lag (ms):", m.send_lag.mean);
  for (const auto& [p, v] : m.send_lag.percentiles) out += row(fmt::format("P{} send lag (ms):", p_word(p)), v);
  std::string sources;
  for (const auto& [source, count] : m.output_token_sources)
    sources += fmt::format("{}{} {}", sources.empty() ? "" : ", ", source, count);
  out += row("Output token counts from:", sources.empty() ? std::string("-") : sources);
  out += std::string(50, '=') + "\n";
  return out;
}

std::string sweep_table(const std::vector<SweepPoint>& points, const std::vector<double>& percentiles) {
  const double p = percentiles.empty() ? 99.0 : percentiles.back();
  const auto pick = [&](const Distribution& d) {
    for (const auto& [q, v] : d.percentiles)
      if (q == p) return v;
    return d.median;
  };
  std::string out = fmt::format("{:>11} {:>9} {:>8} {:>10} {:>12} {:>12} {:>12} {:>12}\n", "concurrency", "req/s", "failed",
                                "out tok/s", "med TTFT ms", fmt::format("P{} TTFT ms", p_word(p)), "med TPOT ms",
                                fmt::format("P{} TPOT ms", p_word(p)));
  for (const auto& pt : points) {
    const auto& m = pt.metrics;
    out += fmt::format("{:>11} {:>9.2f} {:>8} {:>10.2f} {:>12.2f} {:>12.2f} {:>12.2f} {:>12.2f}\n", pt.concurrency,
                       m.request_throughput, m.failed, m.output_throughput, m.ttft.median, pick(m.ttft), m.tpot.median,
                       pick(m.tpot));
  }
  return out;
}

}  // namespace llmctl::bench
