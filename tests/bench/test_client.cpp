// The load generator against the in-process mock server: the measured timings
// must match the programmed ones within 2%, and faults must become failed requests.
// Medians are compared: on a shared 2-core machine a thread wake-up is now and then
// late by milliseconds (in the mock or the client), which moves a mean of a few
// requests but not the median.
#include "bench/arrival.hpp"
#include "bench/client.hpp"
#include "bench/metrics.hpp"
#include "mock_server.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace llmctl::bench;
using llmctl::mock::MockConfig;
using llmctl::mock::MockServer;

namespace {

struct RunningMock {
  explicit RunningMock(const MockConfig& c) : server(c), thread([this] { server.run(stop); }) {}
  ~RunningMock() {
    stop = true;
    thread.join();
  }
  std::string url(const char* path = "/v1/completions") const {
    return "http://127.0.0.1:" + std::to_string(server.port()) + path;
  }
  MockServer server;
  std::atomic<bool> stop{false};
  std::thread thread;
};

std::vector<SampleRequest> prompts(std::size_t n, std::int64_t out_tokens) {
  std::vector<SampleRequest> v(n);
  for (auto& r : v) {
    r.prompt = "hello world";
    r.prompt_len = 2;
    r.expected_output_len = out_tokens;
  }
  return v;
}

ClientConfig config_for(const std::string& url) {
  ClientConfig c;
  c.url = url;
  c.endpoint = endpoint_kind(url);
  c.model = "mock";
  return c;
}

}  // namespace

TEST_CASE("client: TTFT, TPOT, ITL and E2EL within 2% of the programmed values (chat, role chunk)") {
  MockConfig mc;
  // Large enough that scheduling noise of a busy CI machine (~1 ms) stays inside 2%.
  mc.ttft_ms = 150;
  mc.itl_ms = 25;
  mc.role_chunk = true;
  RunningMock mock(mc);
  const auto reqs = prompts(16, 10);
  auto cfg = config_for(mock.url("/v1/chat/completions"));
  cfg.max_concurrency = 8;
  const auto load = run_load(cfg, reqs, std::vector<double>(reqs.size(), 0.0));
  auto results = load.results;
  fill_token_counts(results, nullptr);
  const auto m = calculate_metrics(results, load.duration_s, {50, 99}, {});
  CHECK(m.completed == 16);
  CHECK(m.failed == 0);
  CHECK(m.total_output == 160);
  CHECK(m.output_token_sources.at("usage") == 16);
  CHECK(m.ttft.median == doctest::Approx(150.0).epsilon(0.02));
  CHECK(m.itl.median == doctest::Approx(25.0).epsilon(0.02));
  CHECK(m.tpot.median == doctest::Approx(25.0).epsilon(0.02));
  CHECK(m.e2el.median == doctest::Approx(150.0 + 9 * 25.0).epsilon(0.02));
  CHECK(m.max_concurrent_requests == 8);
  CHECK(m.queue_time.percentiles.back().second > 100.0);  // the second wave waited for a slot
}

TEST_CASE("client: several tokens per chunk and no usage: TPOT by tokens, ITL by chunks") {
  MockConfig mc;
  mc.ttft_ms = 120;
  mc.itl_ms = 30;
  mc.tokens_per_chunk = 4;
  mc.usage = false;
  mc.empty_first_chunk = true;
  RunningMock mock(mc);
  const auto reqs = prompts(6, 12);  // 3 chunks of 4 tokens
  const auto load = run_load(config_for(mock.url()), reqs, std::vector<double>(reqs.size(), 0.0));
  auto results = load.results;
  fill_token_counts(results, nullptr);  // no tokenizer: chunk count
  for (const auto& r : results) {
    CHECK(r.success);
    CHECK(r.output_source == TokenSource::chunks);
    CHECK(r.output_tokens == 3);
    CHECK(r.generated_text.size() == 12 * 4);
  }
  const auto m = calculate_metrics(results, load.duration_s, {99}, {});
  CHECK(m.ttft.median == doctest::Approx(120.0).epsilon(0.02));
  CHECK(m.itl.median == doctest::Approx(30.0).epsilon(0.02));
  CHECK(m.e2el.median == doctest::Approx(180.0).epsilon(0.02));
  CHECK(m.tpot.median == doctest::Approx(60.0 / 2).epsilon(0.02));  // TPOT = (E2EL - TTFT) / (chunks - 1) here
}

TEST_CASE("client: achieved request rate within 2% of the asked rate, small send lag") {
  MockConfig mc;
  mc.ttft_ms = 2;
  mc.itl_ms = 1;
  RunningMock mock(mc);
  const auto reqs = prompts(400, 4);
  ArrivalOptions ao;
  ao.request_rate = 200;
  ao.seed = 5;
  const auto offsets = arrival_offsets(reqs.size(), ao);
  const auto load = run_load(config_for(mock.url()), reqs, offsets);
  const auto m = calculate_metrics(load.results, load.duration_s, {50, 99}, {});
  CHECK(m.completed == 400);
  CHECK(m.achieved_request_rate == doctest::Approx(200.0).epsilon(0.02));
  CHECK(m.send_lag.median < 1.0);  // ms
}

TEST_CASE("client: HTTP 500s and dropped connections are failed requests, goodput counts the rest") {
  MockConfig mc;
  mc.ttft_ms = 5;
  mc.itl_ms = 5;
  mc.fail_every = 4;
  mc.drop_every = 5;
  RunningMock mock(mc);
  const auto reqs = prompts(40, 5);
  auto cfg = config_for(mock.url());
  cfg.max_concurrency = 4;
  const auto load = run_load(cfg, reqs, std::vector<double>(reqs.size(), 0.0));
  const auto m = calculate_metrics(load.results, load.duration_s, {99}, parse_goodput({"ttft:1000"}));
  // Requests 4, 8, ..., 40 answer 500 (10); 5, 10, 15, 25, 30, 35 are dropped (20 and 40 are 500s).
  CHECK(m.failed == 16);
  CHECK(m.completed == 24);
  CHECK(m.request_goodput * load.duration_s == doctest::Approx(24.0));
  int http500 = 0, dropped = 0;
  for (const auto& r : load.results) {
    if (r.success) continue;
    if (r.http_status == 500) ++http500;
    else ++dropped;
  }
  CHECK(http500 == 10);
  CHECK(dropped == 6);
}

TEST_CASE("client: a server that is not there fails every request without throwing") {
  const auto reqs = prompts(3, 4);
  const auto load = run_load(config_for("http://127.0.0.1:1/v1/completions"), reqs, std::vector<double>(3, 0.0));
  for (const auto& r : load.results) {
    CHECK_FALSE(r.success);
    CHECK_FALSE(r.error.empty());
  }
}
