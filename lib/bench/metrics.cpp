#include "bench/metrics.hpp"

#include "text/tokenizer/tokenizer.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace llmctl::bench {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double pos = p / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return values[lo] + (values[hi] - values[lo]) * frac;
}

double mean(std::span<const double> values) {
  if (values.empty()) return 0.0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double stddev(std::span<const double> values) {
  if (values.empty()) return 0.0;
  const double m = mean(values);
  double sq = 0.0;
  for (double v : values) sq += (v - m) * (v - m);
  return std::sqrt(sq / static_cast<double>(values.size()));
}

Goodput parse_goodput(const std::vector<std::string>& pairs) {
  Goodput g;
  std::vector<std::string> items;
  for (const auto& p : pairs) {
    std::stringstream ss(p);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (!item.empty()) items.push_back(item);
    }
  }
  for (const auto& item : items) {
    const auto colon = item.find(':');
    const auto bad = [&] {
      return usage_error(fmt::format("invalid --goodput item '{}'", item),
                         "give KEY:VALUE pairs in milliseconds, KEY one of ttft, tpot, e2el (e.g. ttft:200,tpot:50)");
    };
    if (colon == std::string::npos) throw bad();
    const std::string key = item.substr(0, colon);
    double value = 0;
    try {
      std::size_t used = 0;
      value = std::stod(item.substr(colon + 1), &used);
      if (used != item.size() - colon - 1) throw bad();
    } catch (const std::logic_error&) {
      throw bad();
    }
    if (value < 0) throw usage_error(fmt::format("--goodput {}: the SLO must be non-negative", item));
    if (key == "ttft") g.ttft_ms = value;
    else if (key == "tpot") g.tpot_ms = value;
    else if (key == "e2el") g.e2el_ms = value;
    else throw bad();
  }
  return g;
}

std::vector<double> parse_percentiles(const std::string& text) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t used = 0;
      const double p = std::stod(item, &used);
      if (used != item.size() || p < 0 || p > 100) throw std::invalid_argument(item);
      out.push_back(p);
    } catch (const std::logic_error&) {
      throw usage_error(fmt::format("invalid percentile '{}'", item), "give numbers in [0, 100], e.g. 50,90,99");
    }
  }
  return out;
}

void fill_token_counts(std::vector<RequestResult>& results, const tok::Tokenizer* tokenizer) {
  for (auto& r : results) {
    if (!r.success || r.output_source == TokenSource::usage) continue;
    if (tokenizer != nullptr) {
      r.output_tokens = static_cast<std::int64_t>(tokenizer->encode(r.generated_text, false).size());
      r.output_source = TokenSource::tokenizer;
    } else {
      r.output_tokens = r.text_chunks;
      r.output_source = TokenSource::chunks;
    }
  }
}

Distribution distribution_ms(const std::vector<double>& seconds, const std::vector<double>& percentiles) {
  Distribution d;
  d.mean = mean(seconds) * 1000.0;
  d.std = stddev(seconds) * 1000.0;
  d.median = percentile(seconds, 50) * 1000.0;
  for (double p : percentiles) d.percentiles.emplace_back(p, percentile(seconds, p) * 1000.0);
  return d;
}

BenchmarkMetrics calculate_metrics(const std::vector<RequestResult>& results, double duration_s,
                                   const std::vector<double>& percentiles, const Goodput& goodput) {
  BenchmarkMetrics m;
  m.duration_s = duration_s;
  std::vector<double> ttfts, tpots, itls, e2els, lags, queues;
  std::int64_t good = 0;
  double last_send = 0.0;
  for (const auto& r : results) {
    lags.push_back(std::max(0.0, r.send_lag()));
    last_send = std::max(last_send, r.arrival_s);
    if (!r.success) {
      ++m.failed;
      m.output_lens.push_back(0);
      m.tpots.push_back(0.0);
      continue;
    }
    ++m.completed;
    queues.push_back(r.queue_time());
    m.total_input += r.prompt_len;
    m.total_output += r.output_tokens;
    m.output_lens.push_back(r.output_tokens);
    ++m.output_token_sources[to_string(r.output_source)];
    double tpot = 0.0;  // vLLM: 0 for goodput when there is at most one token
    if (r.output_tokens > 1) {
      tpot = (r.latency - r.ttft) / static_cast<double>(r.output_tokens - 1);
      tpots.push_back(tpot);
    }
    m.tpots.push_back(tpot);
    itls.insert(itls.end(), r.itl.begin(), r.itl.end());
    ttfts.push_back(r.ttft);
    e2els.push_back(r.latency);
    const bool ok = (!goodput.ttft_ms || r.ttft * 1000.0 <= *goodput.ttft_ms) &&
                    (!goodput.tpot_ms || tpot * 1000.0 <= *goodput.tpot_ms) &&
                    (!goodput.e2el_ms || r.latency * 1000.0 <= *goodput.e2el_ms);
    if (!goodput.empty() && ok) ++good;
  }
  if (duration_s > 0) {
    m.request_throughput = static_cast<double>(m.completed) / duration_s;
    m.request_goodput = static_cast<double>(good) / duration_s;
    m.output_throughput = static_cast<double>(m.total_output) / duration_s;
    m.total_token_throughput = static_cast<double>(m.total_input + m.total_output) / duration_s;
  }
  if (last_send > 0) m.achieved_request_rate = static_cast<double>(results.size()) / last_send;
  m.ttft = distribution_ms(ttfts, percentiles);
  m.tpot = distribution_ms(tpots, percentiles);
  m.itl = distribution_ms(itls, percentiles);
  m.e2el = distribution_ms(e2els, percentiles);
  m.send_lag = distribution_ms(lags, percentiles);
  m.queue_time = distribution_ms(queues, percentiles);

  // Peak concurrency: sweep over half-open [start, end), ends before starts at ties.
  std::vector<std::pair<double, int>> events;
  double min_start = std::numeric_limits<double>::infinity();
  double max_end = 0.0;
  for (const auto& r : results) {
    if (!r.success) continue;
    events.emplace_back(r.start_s, +1);
    events.emplace_back(r.start_s + r.latency, -1);
    min_start = std::min(min_start, r.start_s);
    max_end = std::max(max_end, r.start_s + r.latency);
  }
  std::sort(events.begin(), events.end());
  std::int64_t current = 0;
  for (const auto& e : events) m.max_concurrent_requests = std::max(m.max_concurrent_requests, current += e.second);

  // Busiest one-second bucket of text chunks, buckets from the first start.
  if (!events.empty()) {
    std::vector<double> buckets(static_cast<std::size_t>(std::ceil(max_end - min_start)) + 1, 0.0);
    for (const auto& r : results) {
      if (!r.success || r.text_chunks == 0) continue;
      double t = r.start_s + r.ttft;
      const auto add = [&](double at) {
        const auto b = static_cast<std::size_t>(at - min_start);
        if (b < buckets.size()) buckets[b] += 1.0;
      };
      add(t);
      for (double gap : r.itl) add(t += gap);
    }
    m.max_output_tokens_per_s = *std::max_element(buckets.begin(), buckets.end());
  }
  return m;
}

}  // namespace llmctl::bench
