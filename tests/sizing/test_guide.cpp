// The deployment guide's method, reproduced with its rounding.
#include "sizing/guide.hpp"
#include "sizing/parameters.hpp"
#include "sizing_fixtures.hpp"

using namespace llmctl;
using namespace llmctl::test;

TEST_CASE("the guide: Qwen3-1.7B at 8192 tokens is 3.4 + 0.85 + 1.6 = 5.85 GiB") {
  const ModelConfig c = catalog_config("qwen3-1.7b");
  const GuideEstimate g = guide_estimate(c, count_parameters(c), 8192, 114688);
  // weights: 1.72B rounded to 1.7B, x 2 bytes = 3.4
  CHECK(g.params_billions == doctest::Approx(1.7));
  CHECK(g.weights_gib == doctest::Approx(3.4));
  // activations: 25% of the weights = 0.85
  CHECK(g.activations_gib == doctest::Approx(0.85));
  // KV: 2 x 2 bytes x 28 layers x 2048 hidden = 229,376 B = "0.2 MB" per token; x 8192 / 1000 = 1.6
  CHECK(g.kv_bytes_per_token == 2ull * 2 * 28 * 2048);
  CHECK(g.kv_mb_per_token == doctest::Approx(0.2));
  CHECK(g.kv_gib == doctest::Approx(1.6));
  CHECK(g.total_gib == doctest::Approx(5.85));
  // ...and why the exact method differs: the guide's KV is twice the GQA figure.
  CHECK(g.kv_bytes_per_token == 2 * 114688);
  CHECK(g.why.find("grouped-query attention") != std::string::npos);
  CHECK(g.why.find("114,688") != std::string::npos);
  CHECK(g.why.find("half of the guide's") != std::string::npos);
}

TEST_CASE("--guide in the report sits beside the exact method at the same context") {
  SizeInputs in;
  in.context = 8192;
  in.guide = true;
  const SizeReport r = report_for("qwen3-1.7b", in);
  REQUIRE(r.guide);
  CHECK(r.guide->total_gib == doctest::Approx(5.85));
  CHECK(r.estimate.kv == 114688ULL * 8192);              // 0.875 GiB, not the guide's 1.6
  CHECK(r.estimate.weights == 2ULL * 1720574976ULL);     // 3.20 GiB, not 3.4
  CHECK(r.estimate.total / kGiB < r.guide->total_gib);  // the exact total is smaller here
}
