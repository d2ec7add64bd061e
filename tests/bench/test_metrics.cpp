#include "bench/metrics.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace llmctl::bench;

namespace {
RequestResult done(double start, double ttft, std::vector<double> itl, std::int64_t tokens, std::int64_t prompt = 10) {
  RequestResult r;
  r.success = true;
  r.start_s = start;
  r.arrival_s = start;
  r.scheduled_s = start;
  r.ttft = ttft;
  r.itl = std::move(itl);
  double t = ttft;
  for (double g : r.itl) t += g;
  r.latency = t;
  r.output_tokens = tokens;
  r.output_source = TokenSource::usage;
  r.prompt_len = prompt;
  r.text_chunks = static_cast<std::int64_t>(r.itl.size()) + 1;
  return r;
}
}  // namespace

TEST_CASE("metrics: percentiles interpolate linearly as numpy does") {
  // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 90, 99, 100]) = 1, 1.75, 2.5, 3.7, 3.97, 4
  const std::vector<double> v{4, 1, 3, 2};
  CHECK(percentile(v, 0) == doctest::Approx(1.0));
  CHECK(percentile(v, 25) == doctest::Approx(1.75));
  CHECK(percentile(v, 50) == doctest::Approx(2.5));
  CHECK(percentile(v, 90) == doctest::Approx(3.7));
  CHECK(percentile(v, 99) == doctest::Approx(3.97));
  CHECK(percentile(v, 100) == doctest::Approx(4.0));
  CHECK(percentile({}, 50) == 0.0);
  // numpy.std([1, 2, 3, 4]) = 1.118033988749895 (population)
  CHECK(stddev(v) == doctest::Approx(1.118033988749895));
}

TEST_CASE("metrics: TPOT, ITL, throughput and peak concurrency by vLLM's definitions") {
  std::vector<RequestResult> rs;
  rs.push_back(done(0.0, 0.1, {0.02, 0.02, 0.02}, 4));        // e2el 0.16, tpot 0.02
  rs.push_back(done(0.05, 0.2, {0.05}, 6));                   // several tokens per chunk: tpot (0.25-0.2)/5 = 0.01
  rs.push_back(done(1.0, 0.3, {}, 1));                        // one token: no TPOT
  RequestResult failed;
  failed.error = "HTTP 500";
  rs.push_back(failed);
  const auto m = calculate_metrics(rs, 2.0, {50, 99}, {});
  CHECK(m.completed == 3);
  CHECK(m.failed == 1);
  CHECK(m.total_input == 30);
  CHECK(m.total_output == 11);
  CHECK(m.request_throughput == doctest::Approx(1.5));
  CHECK(m.output_throughput == doctest::Approx(5.5));
  CHECK(m.total_token_throughput == doctest::Approx(20.5));
  CHECK(m.tpot.mean == doctest::Approx(15.0));       // mean(20, 10) ms; the one-token request is left out
  CHECK(m.ttft.mean == doctest::Approx(200.0));
  CHECK(m.itl.mean == doctest::Approx(27.5));        // pooled gaps 20, 20, 20, 50
  CHECK(m.e2el.median == doctest::Approx(250.0));
  CHECK(m.max_concurrent_requests == 2);             // [0, .16) and [.05, .3) overlap; [1, 1.3) does not
  CHECK(m.output_lens == std::vector<std::int64_t>{4, 6, 1, 0});
  CHECK(m.output_token_sources.at("usage") == 3);
}

TEST_CASE("metrics: goodput counts requests meeting every SLO") {
  std::vector<RequestResult> rs;
  rs.push_back(done(0, 0.100, {0.010}, 2));  // ttft 100, tpot 10, e2el 110
  rs.push_back(done(0, 0.300, {0.010}, 2));  // ttft too slow
  rs.push_back(done(0, 0.100, {0.050}, 2));  // tpot 50 too slow
  rs.push_back(done(0, 0.150, {}, 1));       // one token: tpot counts as 0 -> good
  const auto g = parse_goodput({"ttft:200,tpot:20"});
  const auto m = calculate_metrics(rs, 1.0, {99}, g);
  CHECK(m.request_goodput == doctest::Approx(2.0));
  const auto e2 = calculate_metrics(rs, 2.0, {99}, parse_goodput({"e2el:120"}));
  CHECK(e2.request_goodput == doctest::Approx(0.5));  // E2ELs 110, 310, 150, 150 ms: one within 120 ms, over 2 s
  CHECK(calculate_metrics(rs, 1.0, {99}, {}).request_goodput == 0.0);
}

TEST_CASE("metrics: bad goodput and percentile arguments are usage errors") {
  CHECK_THROWS_AS(parse_goodput({"ttft"}), llmctl::Error);
  CHECK_THROWS_AS(parse_goodput({"foo:3"}), llmctl::Error);
  CHECK_THROWS_AS(parse_goodput({"ttft:-1"}), llmctl::Error);
  CHECK_THROWS_AS(parse_percentiles("50,abc"), llmctl::Error);
  CHECK_THROWS_AS(parse_percentiles("101"), llmctl::Error);
  CHECK(parse_percentiles("50,90,99.9") == std::vector<double>{50, 90, 99.9});
  const auto g = parse_goodput({"ttft:1.5", "e2el:3000"});
  CHECK(*g.ttft_ms == 1.5);
  CHECK(*g.e2el_ms == 3000);
  CHECK_FALSE(g.tpot_ms);
}

TEST_CASE("metrics: without usage or tokenizer the chunk count is the output length") {
  std::vector<RequestResult> rs{done(0, 0.1, {0.1, 0.1}, 0)};
  rs[0].output_source = TokenSource::none;
  fill_token_counts(rs, nullptr);
  CHECK(rs[0].output_tokens == 3);
  CHECK(rs[0].output_source == TokenSource::chunks);
}
