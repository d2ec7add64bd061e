// Paged GQA attention (full and sliding-window) against a brute-force
// double-precision softmax(q k^T / sqrt(D)) v over each query's visible keys,
// and the lazily committed KV storage.
#include "backend/cpu/attention.hpp"
#include "backend/cpu/cpu_model_runner.hpp"
#include "backend/cpu/lazy_buffer.hpp"
#include "golden_fixture.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace llmctl;
using namespace llmctl::backend::cpu;

namespace {

// Two sequences in scattered blocks of 4: sequence 0 computes positions 0..9
// (a prefill), sequence 1 positions 5..7 over keys 0..4 already cached.
engine::ModelBatch two_sequences() {
  engine::ModelBatch b;
  b.block_size = 4;
  b.block_tables = {{3, 0, 5}, {1, 4}};
  b.query_start = {0};
  const std::vector<std::pair<int, int>> ranges = {{0, 10}, {5, 8}};
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    for (int p = ranges[i].first; p < ranges[i].second; ++p) {
      b.token_ids.push_back(0);
      b.positions.push_back(p);
      b.slot_mapping.push_back(b.block_tables[i][static_cast<std::size_t>(p / 4)] * 4 + p % 4);
    }
    b.query_start.push_back(static_cast<std::int32_t>(b.token_ids.size()));
    b.seq_lens.push_back(ranges[i].second);
  }
  return b;
}

// Resident set size of this process in bytes (/proc/self/statm, second field).
std::int64_t resident_bytes() {
  std::ifstream in("/proc/self/statm");
  std::int64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

}  // namespace

TEST_CASE("attention: full and sliding-window attention match a brute-force softmax") {
  const std::int64_t heads = 4, kvh = 2, D = 12, slots = 6 * 4, group = heads / kvh;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> kc(static_cast<std::size_t>(slots * kvh * D)), vc(kc.size());
  for (float& x : kc) x = dist(rng);
  for (float& x : vc) x = dist(rng);
  const engine::ModelBatch batch = two_sequences();
  const std::int64_t T = batch.num_tokens();
  std::vector<float> q(static_cast<std::size_t>(T * heads * D)), out(q.size());
  for (float& x : q) x = dist(rng);
  const KvLayerView cache{kc.data(), vc.data(), slots, kvh, D};

  for (Isa isa : {Isa::generic, Isa::avx2, Isa::avx512, Isa::avx512_bf16}) {
    if (!isa_supported(isa)) continue;
    const Kernels k = select_kernels(isa);
    for (std::int64_t window : {0, 1, 3, 6, 100}) {
      CAPTURE(isa_name(isa));
      CAPTURE(window);
      attend(k, batch, q.data(), heads, cache, window, out.data());
      for (std::int64_t t = 0; t < T; ++t) {
        const std::size_t seq = t < 10 ? 0 : 1;
        const auto& table = batch.block_tables[seq];
        const std::int64_t pos = batch.positions[static_cast<std::size_t>(t)];
        const std::int64_t first = window > 0 ? std::max<std::int64_t>(0, pos - window + 1) : 0;
        for (std::int64_t h = 0; h < heads; ++h) {
          const std::int64_t g = h / group;
          std::vector<double> s;
          double max = -1e300;
          for (std::int64_t j = first; j <= pos; ++j) {
            const std::int64_t slot = table[static_cast<std::size_t>(j / 4)] * 4 + j % 4;
            double dot = 0.0;
            for (std::int64_t d = 0; d < D; ++d)
              dot += static_cast<double>(q[static_cast<std::size_t>((t * heads + h) * D + d)]) *
                     kc[static_cast<std::size_t>((slot * kvh + g) * D + d)];
            s.push_back(dot / std::sqrt(static_cast<double>(D)));
            max = std::max(max, s.back());
          }
          double sum = 0.0;
          for (double& x : s) sum += (x = std::exp(x - max));
          for (std::int64_t d = 0; d < D; ++d) {
            double want = 0.0;
            for (std::int64_t j = first; j <= pos; ++j) {
              const std::int64_t slot = table[static_cast<std::size_t>(j / 4)] * 4 + j % 4;
              want += s[static_cast<std::size_t>(j - first)] / sum * vc[static_cast<std::size_t>((slot * kvh + g) * D + d)];
            }
            REQUIRE(out[static_cast<std::size_t>((t * heads + h) * D + d)] == doctest::Approx(want).epsilon(1e-5).scale(1.0));
          }
        }
      }
    }
  }
}

TEST_CASE("attention: a sliding-window model runs, and its window changes only far-back attention") {
  // qwen3-tied with a 4-token window on every layer: logits of the first 4
  // positions equal the full-attention model's, later ones differ.
  ModelConfig full = load_model_config(test::model_dir("qwen3-tied") / "config.json");
  ModelConfig windowed = full;
  windowed.sliding_window = 4;
  for (auto& l : windowed.layers) {
    l.kind = AttentionKind::sliding;
    l.window = 4;
  }
  const ModelWeights w = load_weights(test::model_dir("qwen3-tied"), full);
  CpuModelRunner a(full, w, 8, 16), b(windowed, w, 8, 16);
  const std::vector<engine::TokenId> tokens = {5, 9, 2, 7, 1, 8, 3, 6};
  engine::Logits la, lb;
  a.forward(test::single_batch(tokens, 16, {0, 1, 2, 3, 7}), la);
  b.forward(test::single_batch(tokens, 16, {0, 1, 2, 3, 7}), lb);
  for (std::int64_t r = 0; r < 4; ++r)
    for (std::int64_t i = 0; i < la.vocab_size; ++i) CHECK(la.row(r)[static_cast<std::size_t>(i)] == lb.row(r)[static_cast<std::size_t>(i)]);
  double diff = 0.0;
  for (std::int64_t i = 0; i < la.vocab_size; ++i)
    diff = std::max(diff, static_cast<double>(std::fabs(la.row(4)[static_cast<std::size_t>(i)] - lb.row(4)[static_cast<std::size_t>(i)])));
  CHECK(diff > 1e-4);
}

TEST_CASE("attention: the KV cache is committed lazily") {
  const std::size_t bytes = std::size_t{2} << 30;  // 2 GiB reserved
  const std::int64_t before = resident_bytes();
  LazyBuffer buf(bytes);
  CHECK(buf.bytes() == bytes);
  CHECK(buf.floats()[bytes / sizeof(float) - 1] == 0.0f);  // zero-filled, one page touched
  buf.floats()[0] = 1.0f;
  CHECK(resident_bytes() - before < (std::int64_t{64} << 20));
  LazyBuffer moved = std::move(buf);
  CHECK(buf.data() == nullptr);
  CHECK(moved.floats()[0] == 1.0f);
}
