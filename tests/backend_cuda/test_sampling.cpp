// The device sampler (kernels/sampling.cu) against engine::Sampler on the same
// logits, keys and counters: greedy, temperature, top-k, top-p, min-p,
// penalties and min_tokens, with raw logprobs. Same Philox draws, so the
// tokens must be identical (a draw landing within ~1e-12 of a CDF boundary
// could differ by fp64 summation order; the seeds here do not).
#include "engine/sampler.hpp"
#include "kernel_harness.hpp"

#include <doctest/doctest.h>

using namespace llmctl;
using namespace llmctl::cuda;
using namespace llmctl::cuda::test;

namespace {

engine::SamplingParams make(double t, double top_p, std::int64_t top_k, double min_p, double rep, double freq,
                            double pres, std::optional<std::int64_t> logprobs) {
  engine::SamplingParams p;
  p.temperature = t;
  p.top_p = top_p;
  p.top_k = top_k;
  p.min_p = min_p;
  p.repetition_penalty = rep;
  p.frequency_penalty = freq;
  p.presence_penalty = pres;
  p.logprobs = logprobs;
  p.verify_and_normalize();
  return p;
}

}  // namespace

TEST_CASE("sampling: device tokens and logprobs equal engine::Sampler's") {
  CudaContext ctx(0);
  const std::int64_t V = 5003;
  std::vector<engine::SamplingParams> params = {
      make(0.0, 1.0, 0, 0.0, 1.0, 0.0, 0.0, 5),     make(1.0, 1.0, 0, 0.0, 1.0, 0.0, 0.0, std::nullopt),
      make(0.7, 1.0, 50, 0.0, 1.0, 0.0, 0.0, 0),    make(0.8, 0.9, 0, 0.0, 1.0, 0.0, 0.0, 3),
      make(1.3, 0.95, 40, 0.05, 1.0, 0.0, 0.0, 20), make(0.6, 1.0, 0, 0.1, 1.2, 0.5, 0.3, std::nullopt),
      make(0.0, 1.0, 0, 0.0, 1.3, 0.2, 0.1, 1),     make(1.0, 0.5, 1, 0.0, 1.0, 0.0, 0.0, std::nullopt),
  };
  params[3].min_tokens = 4;
  params[3].all_stop_token_ids = {7, 11};
  std::mt19937 rng(7);
  std::vector<engine::TokenId> prompt = {1, 2, 3, 7, 7, 100, 4000}, output = {5, 5, 9, 11};
  for (int trial = 0; trial < 8; ++trial) {
    CAPTURE(trial);
    const auto rows = static_cast<std::int64_t>(params.size());
    std::vector<float> logits(static_cast<std::size_t>(rows * V));
    std::normal_distribution<float> nd(0.0f, 3.0f);
    for (float& x : logits) x = nd(rng);
    logits[17] = logits[18] = 25.0f;  // a tie at the top
    std::vector<SampleRowParams> rp;
    std::vector<PenaltyEntry> pen;
    std::vector<std::int32_t> masked;
    engine::Sampler sampler;
    std::vector<engine::SampledToken> want;
    for (std::size_t r = 0; r < params.size(); ++r) {
      const auto& p = params[r];
      const std::uint64_t key = 1000 + r + static_cast<std::uint64_t>(trial) * 31;
      engine::SamplingContext c{p, prompt, output, key};
      want.push_back(sampler.sample(std::span<const float>(logits).subspan(r * V, V), c));
      SampleRowParams s;
      s.temperature = p.greedy() ? 0.0f : static_cast<float>(p.temperature);
      s.top_p = static_cast<float>(p.top_p);
      s.top_k = static_cast<std::int32_t>(p.top_k);
      s.min_p = static_cast<float>(p.min_p);
      s.repetition_penalty = static_cast<float>(p.repetition_penalty);
      s.frequency_penalty = static_cast<float>(p.frequency_penalty);
      s.presence_penalty = static_cast<float>(p.presence_penalty);
      s.key = key;
      s.counter = output.size();
      s.num_top_logprobs = p.logprobs ? static_cast<std::int32_t>(*p.logprobs) : -1;
      s.masked_begin = static_cast<std::int32_t>(masked.size());
      if (static_cast<std::int64_t>(output.size()) < p.min_tokens)
        masked.insert(masked.end(), p.all_stop_token_ids.begin(), p.all_stop_token_ids.end());
      s.masked_end = static_cast<std::int32_t>(masked.size());
      s.penalty_begin = static_cast<std::int32_t>(pen.size());
      if (p.repetition_penalty != 1.0 || p.frequency_penalty != 0.0 || p.presence_penalty != 0.0) {
        std::map<engine::TokenId, std::int32_t> counts;
        for (auto id : prompt) counts.emplace(id, 0);
        for (auto id : output) ++counts[id];
        for (auto [id, n] : counts) pen.push_back(PenaltyEntry{id, n});
      }
      s.penalty_end = static_cast<std::int32_t>(pen.size());
      rp.push_back(s);
    }
    auto d_logits = upload(logits), d_params = upload(rp), d_pen = upload(pen), d_masked = upload(masked);
    DeviceBuffer work(logits.size() * 4), results(static_cast<std::size_t>(rows) * sizeof(SampleRowResult));
    launch_sample(d_logits.as<float>(), rows, V, d_params.as<SampleRowParams>(), d_pen.as<PenaltyEntry>(),
                  d_masked.as<std::int32_t>(), work.as<float>(), results.as<SampleRowResult>(), ctx.stream());
    ctx.synchronize();
    const auto got = download<SampleRowResult>(results, static_cast<std::size_t>(rows));
    for (std::size_t r = 0; r < params.size(); ++r) {
      CAPTURE(r);
      CHECK(got[r].token == want[r].token);
      if (!want[r].logprobs) continue;
      CHECK(got[r].logprob == doctest::Approx(want[r].logprobs->logprob).epsilon(1e-5));
      CHECK(got[r].rank == want[r].logprobs->rank);
      for (std::size_t j = 0; j < want[r].logprobs->top.size(); ++j) {
        CHECK(got[r].top_ids[j] == want[r].logprobs->top[j].first);
        CHECK(got[r].top_logprobs[j] == doctest::Approx(want[r].logprobs->top[j].second).epsilon(1e-5));
      }
    }
  }
}
