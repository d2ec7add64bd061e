// The CPU ops against their definitions, computed here in double.
#include "backend/cpu/ops.hpp"

#include "util/error.hpp"
#include "util/output.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>

using namespace llmctl;
using namespace llmctl::backend::cpu;

namespace {
ModelConfig llama3_config(const Json& scaling) {
  Json j = {{"architectures", {"LlamaForCausalLM"}}, {"model_type", "llama"}, {"hidden_size", 64},
            {"num_hidden_layers", 1}, {"num_attention_heads", 4}, {"num_key_value_heads", 2}, {"head_dim", 16},
            {"intermediate_size", 128}, {"vocab_size", 8}, {"max_position_embeddings", 512},
            {"rope_theta", 10000.0}, {"rope_scaling", scaling}};
  return parse_model_config(j, "config.json");
}
}  // namespace

TEST_CASE("ops: llama3 rope_scaling adjusts the inverse frequencies band by band") {
  const ModelConfig c = llama3_config({{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                                       {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 64}});
  const auto f = rope_inv_freq(c);
  REQUIRE(f.size() == 8);
  for (std::size_t i = 0; i < 8; ++i) {
    const double base = 1.0 / std::pow(10000.0, 2.0 * static_cast<double>(i) / 16.0);
    const double wavelen = 2 * std::numbers::pi / base;
    double want = base;
    if (wavelen > 64) want = base / 8;
    else if (wavelen >= 16) {
      const double s = (64 / wavelen - 1.0) / 3.0;
      want = (1 - s) * base / 8 + s * base;
    }
    CAPTURE(i);
    CHECK(f[i] == doctest::Approx(want).epsilon(1e-6));
  }
  CHECK_THROWS_AS(rope_inv_freq(llama3_config({{"rope_type", "yarn"}, {"factor", 4.0}})), Error);
}

TEST_CASE("ops: rms_norm, rope, silu_mul and linear follow their formulas") {
  const float x[4] = {1, 2, 3, 4}, w[4] = {1, 0.5f, 2, 1};
  float y[4];
  rms_norm(x, 1, 4, w, 0.0, y);
  const double rms = std::sqrt((1 + 4 + 9 + 16) / 4.0);
  for (int i = 0; i < 4; ++i) CHECK(y[i] == doctest::Approx(w[i] * x[i] / rms).epsilon(1e-6));

  float v[4] = {1, 2, 3, 4};  // one head of 4: pairs (1, 3) and (2, 4)
  const std::int32_t pos[1] = {3};
  const float inv[2] = {1.0f, 0.01f};
  apply_rope(v, 1, 1, 4, pos, inv);
  CHECK(v[0] == doctest::Approx(1 * std::cos(3.0) - 3 * std::sin(3.0)).epsilon(1e-6));
  CHECK(v[2] == doctest::Approx(3 * std::cos(3.0) + 1 * std::sin(3.0)).epsilon(1e-6));
  CHECK(v[1] == doctest::Approx(2 * std::cos(0.03) - 4 * std::sin(0.03)).epsilon(1e-6));

  float g[2] = {1.0f, -2.0f};
  const float u[2] = {3.0f, 0.5f};
  silu_mul(g, u, 2);
  CHECK(g[0] == doctest::Approx(3.0 / (1 + std::exp(-1.0))));
  CHECK(g[1] == doctest::Approx(0.5 * -2.0 / (1 + std::exp(2.0))));

  const float a[2 * 3] = {1, 2, 3, 4, 5, 6}, W[2 * 3] = {1, 0, 0, 0, 1, 1}, b[2] = {10, 20};
  float o[4];
  WeightView wv;
  wv.f32 = W;
  linear(select_kernels(Isa::generic), a, 2, 3, wv, b, 2, o);
  CHECK(o[0] == 11);
  CHECK(o[1] == 25);
  CHECK(o[2] == 14);
  CHECK(o[3] == 31);
}
