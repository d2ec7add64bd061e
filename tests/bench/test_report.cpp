#include "bench/metrics.hpp"
#include "bench/report.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace llmctl::bench;

namespace {
std::vector<RequestResult> sample_results() {
  std::vector<RequestResult> rs(3);
  for (int i = 0; i < 2; ++i) {
    auto& r = rs[static_cast<std::size_t>(i)];
    r.success = true;
    r.start_s = 0.1 * i;
    r.ttft = 0.05;
    r.itl = {0.01, 0.01};
    r.latency = 0.07;
    r.output_tokens = 3;
    r.output_source = TokenSource::usage;
    r.prompt_len = 8;
    r.text_chunks = 3;
    r.generated_text = "a, \"b\"";
  }
  rs[2].error = "HTTP 500: {\"error\": \"x\"}";
  rs[2].http_status = 500;
  return rs;
}
}  // namespace

TEST_CASE("report: the console layout is vLLM's, line by line") {
  const auto rs = sample_results();
  RunInfo info;
  info.request_rate = 4;
  info.max_concurrency = 2;
  info.percentiles = {99};
  info.goodput.ttft_ms = 100;
  const auto m = calculate_metrics(rs, 2.0, info.percentiles, info.goodput);
  const std::string text = console_report(info, m);
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  CHECK(lines[0] == "============ Serving Benchmark Result ============");
  CHECK(lines[1] == "Successful requests:                     2         ");
  CHECK(lines[2] == "Failed requests:                         1         ");
  CHECK(lines[3] == "Maximum request concurrency:             2         ");
  CHECK(lines[4] == "Request rate configured (RPS):           4.00      ");
  CHECK(lines[5] == "Benchmark duration (s):                  2.00      ");
  CHECK(text.find("\nRequest goodput (req/s):                 1.00      \n") != std::string::npos);
  CHECK(text.find("\n---------------Time to First Token----------------\n") != std::string::npos);
  CHECK(text.find("\n-----Time per Output Token (excl. 1st token)------\n") != std::string::npos);
  CHECK(text.find("\nMean TPOT (ms):                          10.00     \n") != std::string::npos);
  CHECK(text.find("\nP99 E2EL (ms):                           70.00     \n") != std::string::npos);
  CHECK(text.find("\nPeak concurrent requests:                1.00      \n") != std::string::npos);
  CHECK(lines.back() == std::string(50, '='));
}

TEST_CASE("report: JSON has vLLM's field names, CSV one row per request, SVG is a document") {
  const auto rs = sample_results();
  RunInfo info;
  info.percentiles = {50, 99.9};
  const auto m = calculate_metrics(rs, 1.0, info.percentiles, {});
  const auto j = result_json(info, m, rs);
  for (const char* key : {"date", "duration", "completed", "failed", "total_input_tokens", "total_output_tokens",
                          "request_throughput", "request_goodput", "output_throughput", "total_token_throughput",
                          "input_lens", "output_lens", "ttfts", "itls", "latencies", "generated_texts", "errors",
                          "mean_ttft_ms", "median_ttft_ms", "std_ttft_ms", "p50_ttft_ms", "p99.9_ttft_ms", "mean_tpot_ms",
                          "p99.9_itl_ms", "mean_e2el_ms", "max_concurrent_requests", "max_output_tokens_per_s",
                          "request_rate", "burstiness", "max_concurrency", "model_id"}) {
    CAPTURE(key);
    CHECK(j.contains(key));
  }
  CHECK(j["request_rate"] == "inf");
  CHECK(j["request_goodput"].is_null());
  CHECK(j["completed"] == 2);
  CHECK(j["itls"][0].size() == 2);
  CHECK(j["mean_ttft_ms"].get<double>() == doctest::Approx(50.0));

  const std::string csv = requests_csv(rs, m);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
  CHECK(csv.find("\"HTTP 500: {\"\"error\"\": \"\"x\"\"}\"") != std::string::npos);  // RFC 4180 quoting

  const std::string svg = latency_cdf_svg(rs, m, "t <&>");
  CHECK(svg.rfind("<svg ", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(svg.find("t &lt;&amp;&gt;") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);
  std::vector<SweepPoint> pts{{1, m}, {4, m}};
  const std::string sweep = sweep_svg(pts, "sweep");
  CHECK(sweep.find("max concurrency") != std::string::npos);
  CHECK(sweep_table(pts, {99}).find("concurrency") != std::string::npos);
}
