#include "engine/philox.hpp"
#include "engine/sampler.hpp"

#include "engine_sim.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace llmctl::engine;
using namespace llmctl::engine::test;

namespace {

const std::vector<float> kLogits{1.0f, 2.0f, 0.5f, 3.0f, -1.0f, 2.0f};  // ids 1 and 5 tie

SamplingParams random_params(double temperature = 1.0) {
  SamplingParams p;
  p.temperature = temperature;
  return p;
}

// The filters written from their definitions, independently of the sampler:
// vLLM's own formulation of top-p (ascending sort, cumulative sum, mask
// <= 1 - p, keep the largest), ties ordered so higher ids are dropped first.
std::vector<double> reference_distribution(std::vector<float> logits, double t, double min_p, std::int64_t k,
                                           double top_p) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> x(logits.begin(), logits.end());
  for (double& v : x) v = static_cast<double>(static_cast<float>(v) / static_cast<float>(t));
  auto softmax = [&](const std::vector<double>& v) {
    double m = *std::max_element(v.begin(), v.end());
    std::vector<double> p(v.size());
    double z = 0;
    for (std::size_t i = 0; i < v.size(); ++i) z += p[i] = std::exp(v[i] - m);
    for (double& q : p) q /= z;
    return p;
  };
  if (min_p > 0) {
    auto p = softmax(x);
    double pmax = *std::max_element(p.begin(), p.end());
    for (std::size_t i = 0; i < x.size(); ++i)
      if (p[i] < min_p * pmax) x[i] = -inf;
  }
  if (k > 0) {
    std::vector<double> sorted = x;
    std::sort(sorted.begin(), sorted.end(), std::greater<double>());
    double kth = sorted[static_cast<std::size_t>(k - 1)];
    for (double& v : x)
      if (v < kth) v = -inf;
  }
  if (top_p < 1.0) {
    std::vector<std::size_t> asc(x.size());
    std::iota(asc.begin(), asc.end(), 0);
    std::sort(asc.begin(), asc.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b] || (x[a] == x[b] && a > b); });
    auto p = softmax(x);
    double cumulative = 0;
    for (std::size_t j = 0; j < asc.size(); ++j) {
      cumulative += p[asc[j]];
      if (cumulative <= 1 - top_p && j + 1 < asc.size()) x[asc[j]] = -inf;
    }
  }
  return softmax(x);
}

void check_close(const std::vector<double>& actual, const std::vector<double>& expected, double tol = 1e-9) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) CHECK(actual[i] == doctest::Approx(expected[i]).epsilon(tol));
}

// Draws n tokens from different sampling keys; returns the counts.
std::vector<std::int64_t> draw_counts(Sampler& sampler, const std::vector<float>& logits, const SamplingParams& p, int n) {
  std::vector<std::int64_t> counts(logits.size(), 0);
  for (int i = 0; i < n; ++i) {
    SamplingContext ctx{p, {}, {}, static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull};
    ++counts[static_cast<std::size_t>(sampler.sample(logits, ctx).token)];
  }
  return counts;
}

// Pearson chi-square of the counts against `expected` probabilities: zero
// probability bins must stay empty; the statistic must stay below the 0.1%
// critical value for its degrees of freedom.
void check_chi_square(const std::vector<std::int64_t>& counts, const std::vector<double>& expected, int n) {
  static const double kCritical001[] = {0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59};
  double chi2 = 0;
  int bins = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (expected[i] == 0) {
      CHECK(counts[i] == 0);
      continue;
    }
    double e = expected[i] * n;
    chi2 += (static_cast<double>(counts[i]) - e) * (static_cast<double>(counts[i]) - e) / e;
    ++bins;
  }
  REQUIRE(bins >= 2);
  REQUIRE(bins <= 11);
  CHECK(chi2 < kCritical001[bins - 1]);
}

}  // namespace

TEST_CASE("philox4x32-10 matches the Random123 known-answer vectors") {
  using W = std::array<std::uint32_t, 4>;
  CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) == W{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        W{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        W{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
  double u = philox_uniform(1, 2);
  CHECK(u >= 0.0);
  CHECK(u < 1.0);
}

TEST_CASE("sampler: greedy is the argmax, ties to the lowest id") {
  Sampler sampler;
  SamplingParams p = greedy_params(10);
  CHECK(sampler.sample(kLogits, {p, {}, {}, 1}).token == 3);
  const std::vector<float> tied{0.5f, 4.0f, 1.0f, 4.0f, 4.0f};
  for (std::uint64_t key = 0; key < 5; ++key) CHECK(sampler.sample(tied, {p, {}, {}, key}).token == 1);
  CHECK(argmax(std::vector<float>{std::nanf(""), -1.0f, -1.0f}) == 1);
}

TEST_CASE("sampler: temperature") {
  Sampler sampler;
  SamplingParams p = random_params(0.7);
  p.verify_and_normalize();
  auto expected = reference_distribution(kLogits, 0.7, 0, 0, 1.0);
  // The definition itself: p_i = exp(l_i / T) / sum_j exp(l_j / T).
  double z = 0;
  for (float l : kLogits) z += std::exp(l / 0.7);
  CHECK(expected[3] == doctest::Approx(std::exp(3.0 / 0.7) / z));
  check_close(sampler.distribution(kLogits, {p, {}, {}, 0}), expected);
  const int n = 200000;
  check_chi_square(draw_counts(sampler, kLogits, p, n), expected, n);
}

TEST_CASE("sampler: top-k keeps the k largest logits and their ties") {
  Sampler sampler;
  SamplingParams p = random_params();
  p.top_k = 2;  // 3.0, then 2.0 twice: three tokens
  auto dist = sampler.distribution(kLogits, {p, {}, {}, 0});
  auto expected = reference_distribution(kLogits, 1.0, 0, 2, 1.0);
  check_close(dist, expected);
  CHECK(dist[0] == 0.0);
  CHECK(dist[1] > 0.0);
  CHECK(dist[5] > 0.0);
  const int n = 100000;
  check_chi_square(draw_counts(sampler, kLogits, p, n), expected, n);
  p.top_k = 1;
  auto one = sampler.distribution(kLogits, {p, {}, {}, 0});
  CHECK(one[3] == 1.0);
}

TEST_CASE("sampler: top-p keeps the most likely tokens until their mass reaches p") {
  Sampler sampler;
  SamplingParams p = random_params();
  // softmax: id3 .507, id1 .187, id5 .187, id0 .069, id2 .042, id4 .009
  p.top_p = 0.6;  // id3 (0 before), id1 (.507 before < .6); id5 has .694 before: dropped (tie: higher id first)
  auto dist = sampler.distribution(kLogits, {p, {}, {}, 0});
  check_close(dist, reference_distribution(kLogits, 1.0, 0, 0, 0.6));
  CHECK(dist[3] > 0);
  CHECK(dist[1] > 0);
  CHECK(dist[5] == 0);
  CHECK(dist[3] + dist[1] == doctest::Approx(1.0));
  p.top_p = 0.8;
  auto expected = reference_distribution(kLogits, 1.0, 0, 0, 0.8);
  check_close(sampler.distribution(kLogits, {p, {}, {}, 0}), expected);
  CHECK(expected[5] > 0);
  CHECK(expected[0] == 0);
  const int n = 100000;
  check_chi_square(draw_counts(sampler, kLogits, p, n), expected, n);

  // A large, flat vocabulary keeps thousands of tokens: the ranking must
  // grow past its first partial sort and still cut where vLLM does.
  std::vector<float> wide(5000);
  for (std::size_t i = 0; i < wide.size(); ++i) wide[i] = static_cast<float>(std::sin(static_cast<double>(i)) * 2.0);
  p.top_p = 0.9;
  check_close(sampler.distribution(wide, {p, {}, {}, 0}), reference_distribution(wide, 1.0, 0, 0, 0.9), 1e-7);
}

TEST_CASE("sampler: min-p drops tokens below min_p times the top probability") {
  Sampler sampler;
  SamplingParams p = random_params();
  p.min_p = 0.1;  // threshold .0507: id0 (.069) stays, id2 (.042) and id4 go
  auto expected = reference_distribution(kLogits, 1.0, 0.1, 0, 1.0);
  auto dist = sampler.distribution(kLogits, {p, {}, {}, 0});
  check_close(dist, expected);
  CHECK(dist[0] > 0);
  CHECK(dist[2] == 0);
  CHECK(dist[4] == 0);
  const int n = 100000;
  check_chi_square(draw_counts(sampler, kLogits, p, n), expected, n);
}

TEST_CASE("sampler: temperature, min-p, top-k and top-p apply in vLLM's order") {
  Sampler sampler;
  SamplingParams p = random_params(1.5);
  p.min_p = 0.2;  // on the temperature-scaled probabilities
  p.top_k = 4;
  p.top_p = 0.8;
  p.verify_and_normalize();
  auto expected = reference_distribution(kLogits, 1.5, 0.2, 4, 0.8);
  check_close(sampler.distribution(kLogits, {p, {}, {}, 0}), expected);
  const int n = 100000;
  check_chi_square(draw_counts(sampler, kLogits, p, n), expected, n);
}

TEST_CASE("sampler: repetition, frequency and presence penalties by hand") {
  Sampler sampler;
  SamplingParams p = greedy_params(10);  // greedy: process() stops after the penalties
  p.repetition_penalty = 2.0;
  p.frequency_penalty = 0.5;
  p.presence_penalty = 0.25;
  const std::vector<float> logits{2.0f, -1.0f, 0.5f, 3.0f, 0.0f};
  const std::vector<TokenId> prompt{0, 1};
  const std::vector<TokenId> output{1, 2, 2};
  auto x = sampler.process(logits, {p, prompt, output, 0});
  CHECK(x[0] == doctest::Approx(1.0));     // prompt: 2 / 2
  CHECK(x[1] == doctest::Approx(-2.75));   // -1 * 2, then - 0.5 * 1 - 0.25
  CHECK(x[2] == doctest::Approx(-1.0));    // 0.5 / 2, then - 0.5 * 2 - 0.25
  CHECK(x[3] == doctest::Approx(3.0));     // unseen
  CHECK(x[4] == doctest::Approx(0.0));     // unseen
  // Scratch state is reset between calls: the same call gives the same answer.
  auto again = sampler.process(logits, {p, prompt, output, 0});
  CHECK(again[1] == doctest::Approx(-2.75));
  auto none = sampler.process(logits, {p, {}, {}, 0});
  CHECK(none[0] == doctest::Approx(1.0f * 2.0f));
}

TEST_CASE("sampler: min_tokens masks stop tokens and EOS until reached") {
  Sampler sampler;
  SamplingParams p = random_params();
  p.min_tokens = 2;
  p.stop_token_ids = {1};
  p.ignore_eos = true;  // EOS is still masked (vLLM's all_stop_token_ids)
  p.verify_and_normalize();
  p.set_eos_tokens(3, {});
  const std::vector<TokenId> one{4};
  auto x = sampler.process(kLogits, {p, {}, one, 0});
  CHECK(std::isinf(x[1]));
  CHECK(std::isinf(x[3]));
  CHECK(std::isfinite(x[0]));
  const std::vector<TokenId> two{4, 4};
  auto y = sampler.process(kLogits, {p, {}, two, 0});
  CHECK(y[1] == 2.0f);
  CHECK(y[3] == 3.0f);
}

TEST_CASE("sampler: logprobs are the raw model's log-softmax") {
  Sampler sampler;
  const std::vector<float> logits{1.0f, 2.0f, 3.0f};
  const double log_z = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  SamplingParams p = greedy_params(10);
  p.logprobs = 2;
  p.repetition_penalty = 1.7;  // 3 / 1.7 < 2: token 1 is picked, but the logprobs stay the model's
  const std::vector<TokenId> output{2};
  SampledToken t = sampler.sample(logits, {p, {}, output, 0});
  REQUIRE(t.logprobs);
  CHECK(t.token == 1);
  CHECK(t.logprobs->logprob == doctest::Approx(2.0 - log_z));
  CHECK(t.logprobs->rank == 2);
  REQUIRE(t.logprobs->top.size() == 2);
  CHECK(t.logprobs->top[0].first == 2);
  CHECK(t.logprobs->top[0].second == doctest::Approx(3.0 - log_z));
  CHECK(t.logprobs->top[1].first == 1);
  CHECK(t.logprobs->top[1].second == doctest::Approx(2.0 - log_z));

  auto low = compute_logprobs(logits, 0, 0);
  CHECK(low.logprob == doctest::Approx(1.0 - log_z));
  CHECK(low.rank == 3);
  CHECK(low.top.empty());
  auto all = compute_logprobs(logits, 0, -1);
  CHECK(all.top.size() == 3);
  auto tie = compute_logprobs(std::vector<float>{2.0f, 2.0f, 1.0f}, 0, 2);
  CHECK(tie.rank == 2);  // ties count against the token, as vLLM's >= comparison
  CHECK(tie.top[0].first == 0);
}

namespace {

// Pseudo-logits that depend on a sequence's own tokens only.
std::vector<float> logits_for(std::span<const TokenId> tokens, std::size_t vocab = 50) {
  std::vector<float> logits(vocab);
  std::uint64_t h = 1469598103934665603ull;
  for (TokenId t : tokens) h = (h ^ static_cast<std::uint64_t>(t)) * 1099511628211ull;
  for (std::size_t i = 0; i < vocab; ++i) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;
    logits[i] = static_cast<float>((h >> 40) % 1000) / 250.0f;
  }
  return logits;
}

SchedulerOutput decode_plan(const std::vector<Sequence*>& seqs) {
  SchedulerOutput plan;
  for (Sequence* s : seqs) plan.seqs.push_back({s->request_id(), s, s->num_tokens() - 1, 1, true, false});
  return plan;
}

}  // namespace

TEST_CASE("sampler: one sequence's successive draws are independent uniforms") {
  // Uniform logits: every step must be a fresh draw from its own counter.
  Sampler sampler;
  SamplingParams p = random_params();
  const std::vector<float> flat(8, 0.0f);
  std::vector<TokenId> output;
  std::vector<std::int64_t> counts(8, 0);
  for (int step = 0; step < 16000; ++step) {
    TokenId t = sampler.sample(flat, {p, {}, output, 12345}).token;
    ++counts[static_cast<std::size_t>(t)];
    output.push_back(t);
  }
  check_chi_square(counts, std::vector<double>(8, 1.0 / 8), 16000);
  // Pairs of consecutive tokens are uniform too (no correlation between steps).
  std::vector<std::int64_t> pairs(4, 0);
  for (std::size_t i = 0; i + 1 < output.size(); i += 2)
    ++pairs[static_cast<std::size_t>((output[i] & 1) * 2 + (output[i + 1] & 1))];
  check_chi_square(pairs, std::vector<double>(4, 0.25), 8000);
}

TEST_CASE("sampler: a seed gives the same tokens alone or among any batch mates") {
  SamplingParams seeded = random_params(0.9);
  seeded.top_p = 0.95;
  seeded.seed = 42;
  seeded.verify_and_normalize();
  SamplingKeySource keys(7);
  auto make = [&](const std::string& id, const SamplingParams& p) {
    SequenceOptions o;
    o.sampling_key = keys.key_for(p);
    return Sequence(id, {1, 2, 3}, p, o);
  };
  Sequence alone = make("alone", seeded);
  Sequence batched = make("batched", seeded);
  Sequence mate1 = make("mate1", random_params(1.0));
  SamplingParams other = seeded;
  other.seed = 43;
  Sequence mate2 = make("mate2", other);
  CHECK(alone.sampling_key() == 42);

  Sampler solo_sampler, batch_sampler;
  for (int step = 0; step < 40; ++step) {
    alone.append_token(solo_sampler.sample(logits_for(alone.token_ids()), SamplingContext::of(alone)).token);
    // Different batch mates and orders every step.
    std::vector<Sequence*> batch = step % 2 == 0 ? std::vector<Sequence*>{&mate1, &batched, &mate2}
                                                 : std::vector<Sequence*>{&batched, &mate2};
    SchedulerOutput plan = decode_plan(batch);
    Logits logits;
    logits.resize(static_cast<std::int64_t>(batch.size()), 50);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto row = logits_for(batch[i]->token_ids());
      std::copy(row.begin(), row.end(), logits.row(static_cast<std::int64_t>(i)).begin());
    }
    auto sampled = batch_sampler.sample(plan, logits);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->append_token(sampled[i].token);
  }
  auto out_alone = alone.output_token_ids(), out_batched = batched.output_token_ids();
  CHECK(std::equal(out_alone.begin(), out_alone.end(), out_batched.begin(), out_batched.end()));
  auto out_other = mate2.output_token_ids();
  CHECK_FALSE(std::equal(out_alone.begin(), out_alone.end(), out_other.begin(), out_other.end()));

  // Unseeded requests get keys from the engine's generator: reproducible with its seed.
  SamplingKeySource a(99), b(99);
  CHECK(a.key_for(random_params()) == b.key_for(random_params()));
  CHECK(a.key_for(random_params()) != a.key_for(random_params()));
}

TEST_CASE("sampler: a batch's logits rows must match the plan") {
  Sampler sampler;
  Sequence seq("a", {1}, greedy_params(3));
  SchedulerOutput plan = decode_plan({&seq});
  Logits logits;
  logits.resize(2, 4);
  CHECK_THROWS(sampler.sample(plan, logits));
}
