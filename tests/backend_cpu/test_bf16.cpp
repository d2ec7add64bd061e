// bfloat16 weights: what load_weights / dummy_weights hold in bf16, and the
// bf16 runner against the fp32 one (and transformers' fp32 goldens) on the
// tiny golden models, for every ISA level this CPU runs. Also the fp32
// golden parity (1e-4) on every ISA level, since the default run only
// exercises the best one.
#include "golden_fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace llmctl;
using namespace llmctl::backend::cpu;
using namespace llmctl::backend::cpu::test;
using engine::TokenId;

namespace {

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::generic, Isa::avx2, Isa::avx512, Isa::avx512_bf16})
    if (isa_supported(isa)) out.push_back(isa);
  return out;
}

// Logits of the prompt's last position, then of `steps - 1` one-token
// decode passes over the KV cache (the GEMV path), feeding `forced` tokens
// (teacher forcing: one divergence does not cascade).
std::vector<std::vector<float>> decode_logits(CpuModelRunner& runner, const std::vector<TokenId>& prompt,
                                              const std::vector<TokenId>& forced, std::size_t steps) {
  std::vector<std::vector<float>> rows;
  engine::Logits logits;
  engine::ModelBatch b = single_batch(prompt, 16, {static_cast<std::int32_t>(prompt.size()) - 1});
  runner.forward(b, logits);
  rows.emplace_back(logits.row(0).begin(), logits.row(0).end());
  auto table = b.block_tables[0];
  for (std::size_t s = 1; s < steps; ++s) {
    const auto pos = static_cast<std::int32_t>(prompt.size() + s - 1);
    if (static_cast<std::size_t>(pos / 16) >= table.size()) table.push_back(static_cast<engine::BlockId>(table.size()));
    engine::ModelBatch d;
    d.block_size = 16;
    d.token_ids = {forced[s - 1]};
    d.positions = {pos};
    d.slot_mapping = {static_cast<std::int64_t>(table[static_cast<std::size_t>(pos / 16)]) * 16 + pos % 16};
    d.query_start = {0, 1};
    d.seq_lens = {pos + 1};
    d.block_tables = {table};
    d.logits_indices = {0};
    runner.forward(d, logits);
    rows.emplace_back(logits.row(0).begin(), logits.row(0).end());
  }
  return rows;
}

TokenId argmax(const std::vector<float>& row) {
  return static_cast<TokenId>(std::max_element(row.begin(), row.end()) - row.begin());
}

// (top1 - top2) / max(1, max |logit|): how far the greedy choice is from a tie.
double margin(const std::vector<float>& row) {
  std::vector<float> v = row;
  std::partial_sort(v.begin(), v.begin() + 2, v.end(), std::greater<float>());
  double scale = 1.0;
  for (float x : row) scale = std::max(scale, static_cast<double>(std::fabs(x)));
  return (static_cast<double>(v[0]) - v[1]) / scale;
}

// bf16 keeps 8 significant bits (relative rounding 2^-9 per weight): logits
// of these small random models move by ~1% of the row's scale (1.2% worst
// measured), so 2% bounds them; a greedy step whose fp32 top-2 margin is
// below twice that may legitimately flip.
constexpr double kBf16RelTol = 2e-2;
constexpr std::size_t kGreedySteps = 16;

}  // namespace

TEST_CASE("bf16: load_weights and dummy_weights round matrices to bf16 and keep 1-D tensors fp32") {
  const std::string name = "qwen2-bias";
  const ModelConfig c = load_model_config(model_dir(name) / "config.json");
  const ModelWeights f = load_weights(model_dir(name), c);
  const ModelWeights b = load_weights(model_dir(name), c, WeightDtype::bfloat16);
  for (const auto& e : expected_tensors(c)) {
    if (!f.contains(e.name)) continue;
    CAPTURE(e.name);
    const WeightTensor &tf = f.get(e.name), &tb = b.get(e.name);
    CHECK(tb.shape == tf.shape);
    if (e.shape.size() == 1) {
      CHECK(tb.dtype == WeightDtype::float32);
      CHECK(tb.data == tf.data);
    } else {
      REQUIRE(tb.dtype == WeightDtype::bfloat16);
      CHECK(tb.data.empty());
      REQUIRE(tb.bf16.size() == tf.data.size());
      for (std::size_t i = 0; i < tb.bf16.size(); ++i) REQUIRE(tb.bf16[i] == float_to_bfloat16(tf.data[i]));
      CHECK(tb.bytes() * 2 == tf.bytes());
      CHECK(tb.at(3) == bfloat16_to_float(tb.bf16[3]));
    }
  }
  const ModelWeights d = dummy_weights(c, 5), db = dummy_weights(c, 5, WeightDtype::bfloat16);
  const auto& q = d.get("model.layers.0.self_attn.q_proj.weight");
  const auto& qb = db.get("model.layers.0.self_attn.q_proj.weight");
  REQUIRE(qb.bf16.size() == q.data.size());
  for (std::size_t i = 0; i < q.data.size(); ++i) REQUIRE(qb.bf16[i] == float_to_bfloat16(q.data[i]));
  CHECK(db.bytes() < d.bytes());
  CHECK(parse_weight_dtype("bf16") == WeightDtype::bfloat16);
  CHECK(parse_weight_dtype("float32") == WeightDtype::float32);
  CHECK_THROWS(parse_weight_dtype("int8"));
}

TEST_CASE("bf16: fp32 golden parity holds on every ISA level") {
  for (Isa isa : supported_isas()) {
    for (const auto& name : kGoldenModels) {
      CAPTURE(isa_name(isa));
      CAPTURE(name);
      const ModelConfig c = load_model_config(model_dir(name) / "config.json");
      CpuModelRunner runner(c, load_weights(model_dir(name), c), 64, 16, isa);
      for (const auto& g : load_golden(name)) {
        std::vector<std::int32_t> positions;
        for (const auto& [pos, row] : g.rows) positions.push_back(pos);
        engine::Logits logits;
        runner.forward(single_batch(g.input_ids, 16, positions), logits);
        for (std::size_t i = 0; i < positions.size(); ++i)
          CHECK(row_rel_error(logits.row(static_cast<std::int64_t>(i)), g.rows.at(positions[i])) < kRelTol);
        const auto rows = decode_logits(runner, g.input_ids, g.greedy, kGreedySteps);
        for (std::size_t s = 0; s < rows.size(); ++s) CHECK(argmax(rows[s]) == g.greedy[s]);
      }
    }
  }
}

TEST_CASE("bf16: the bf16 runner stays close to fp32 and picks the same greedy tokens") {
  double worst = 0.0;
  int near_ties = 0, steps = 0, flips = 0;
  for (Isa isa : supported_isas()) {
    for (const auto& name : kGoldenModels) {
      CAPTURE(isa_name(isa));
      CAPTURE(name);
      const ModelConfig c = load_model_config(model_dir(name) / "config.json");
      CpuModelRunner f32(c, load_weights(model_dir(name), c), 64, 16, isa);
      CpuModelRunner b16(c, load_weights(model_dir(name), c, WeightDtype::bfloat16), 64, 16, isa);
      for (const auto& g : load_golden(name)) {
        std::vector<std::int32_t> positions;
        for (const auto& [pos, row] : g.rows) positions.push_back(pos);
        engine::Logits logits;
        // Prompt rows (sgemm over widened weights) against transformers' fp32.
        b16.forward(single_batch(g.input_ids, 16, positions), logits);
        for (std::size_t i = 0; i < positions.size(); ++i) {
          const double err = row_rel_error(logits.row(static_cast<std::int64_t>(i)), g.rows.at(positions[i]));
          CHECK(err < kBf16RelTol);
          worst = std::max(worst, err);
        }
        // Decode steps (the bf16 GEMV kernels) against the fp32 runner's.
        const auto want = decode_logits(f32, g.input_ids, g.greedy, kGreedySteps);
        const auto got = decode_logits(b16, g.input_ids, g.greedy, kGreedySteps);
        for (std::size_t s = 0; s < got.size(); ++s) {
          CAPTURE(s);
          const double err = row_rel_error(got[s], want[s]);
          CHECK(err < kBf16RelTol);
          worst = std::max(worst, err);
          ++steps;
          flips += argmax(got[s]) != argmax(want[s]) ? 1 : 0;
          if (margin(want[s]) < 2 * kBf16RelTol) {
            ++near_ties;
            continue;
          }
          CHECK(argmax(got[s]) == argmax(want[s]));
        }
      }
    }
  }
  MESSAGE("bf16 vs fp32: max relative logit error " << worst << "; " << steps << " greedy steps, " << flips
                                                     << " flipped (all among the " << near_ties << " near ties)");
  CHECK(flips * 20 < steps);
}
