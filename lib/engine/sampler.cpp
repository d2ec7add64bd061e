#include "engine/sampler.hpp"

#include "engine/philox.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace llmctl::engine {

namespace {

constexpr float kMasked = -std::numeric_limits<float>::infinity();

bool valid_token(TokenId id, std::size_t vocab) { return id >= 0 && static_cast<std::size_t>(id) < vocab; }

// Most likely first; ties: lower id first.
auto more_likely(const std::vector<float>& x) {
  return [&x](TokenId a, TokenId b) {
    float xa = x[static_cast<std::size_t>(a)], xb = x[static_cast<std::size_t>(b)];
    return xa > xb || (xa == xb && a < b);
  };
}

}  // namespace

SamplingKeySource::SamplingKeySource(std::optional<std::uint64_t> engine_seed)
    : rng_(engine_seed ? *engine_seed : (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()) {}

std::uint64_t SamplingKeySource::key_for(const SamplingParams& params) {
  return params.seed ? static_cast<std::uint64_t>(*params.seed) : rng_();
}

TokenId argmax(std::span<const float> values) {
  TokenId best = 0;
  float best_value = -std::numeric_limits<float>::infinity();
  bool found = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) continue;
    if (!found || values[i] > best_value) {
      best = static_cast<TokenId>(i);
      best_value = values[i];
      found = true;
    }
  }
  return best;
}

TokenLogprobs compute_logprobs(std::span<const float> logits, TokenId token, std::int64_t top) {
  if (!valid_token(token, logits.size())) throw std::out_of_range("compute_logprobs: token outside the vocabulary");
  // log_softmax(x)_i = x_i - (m + log sum_j exp(x_j - m)), m = max x (no overflow).
  double m = -std::numeric_limits<double>::infinity();
  for (float x : logits) m = std::max(m, static_cast<double>(x));
  double sum = 0.0;
  for (float x : logits) sum += std::exp(static_cast<double>(x) - m);
  const double log_z = m + std::log(sum);

  TokenLogprobs out;
  const float chosen = logits[static_cast<std::size_t>(token)];
  out.logprob = static_cast<float>(static_cast<double>(chosen) - log_z);
  // Rank by the logits themselves: log_softmax is monotonic in them.
  out.rank = std::count_if(logits.begin(), logits.end(), [&](float x) { return x >= chosen; });

  const std::size_t vocab = logits.size();
  const std::size_t k = top < 0 ? vocab : std::min<std::size_t>(static_cast<std::size_t>(top), vocab);
  if (k > 0) {
    std::vector<TokenId> ids(vocab);
    for (std::size_t i = 0; i < vocab; ++i) ids[i] = static_cast<TokenId>(i);
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(k), ids.end(), [&](TokenId a, TokenId b) {
      float xa = logits[static_cast<std::size_t>(a)], xb = logits[static_cast<std::size_t>(b)];
      return xa > xb || (xa == xb && a < b);
    });
    out.top.reserve(k);
    for (std::size_t i = 0; i < k; ++i)
      out.top.emplace_back(ids[i], static_cast<float>(logits[static_cast<std::size_t>(ids[i])] - log_z));
  }
  return out;
}

void Sampler::apply_penalties(const SamplingContext& ctx) {
  const SamplingParams& p = ctx.params;
  const std::size_t vocab = work_.size();
  if (counts_.size() != vocab) {
    counts_.assign(vocab, 0);
    seen_.assign(vocab, 0);
  }
  touched_.clear();
  auto touch = [&](TokenId id) {
    if (!valid_token(id, vocab)) return false;
    if (seen_[static_cast<std::size_t>(id)] == 0 && counts_[static_cast<std::size_t>(id)] == 0) touched_.push_back(id);
    return true;
  };
  for (TokenId id : ctx.prompt)
    if (touch(id)) seen_[static_cast<std::size_t>(id)] = 1;
  for (TokenId id : ctx.output)
    if (touch(id)) ++counts_[static_cast<std::size_t>(id)];

  // In float, as vLLM's apply_penalties does on float32 logits.
  const auto repetition = static_cast<float>(p.repetition_penalty);
  const auto frequency = static_cast<float>(p.frequency_penalty);
  const auto presence = static_cast<float>(p.presence_penalty);
  for (TokenId id : touched_) {
    const auto i = static_cast<std::size_t>(id);
    float& x = work_[i];
    if (p.repetition_penalty != 1.0) x = x > 0.0f ? x / repetition : x * repetition;
    if (counts_[i] > 0) {
      x -= frequency * static_cast<float>(counts_[i]);
      x -= presence;
    }
    counts_[i] = 0;
    seen_[i] = 0;
  }
}

void Sampler::apply_min_p(double min_p) {
  // softmax(x)_i < min_p * max softmax(x)  <=>  exp(x_i - max x) < min_p
  const double m = *std::max_element(work_.begin(), work_.end());
  if (!std::isfinite(m)) return;
  for (float& x : work_)
    if (std::exp(static_cast<double>(x) - m) < min_p) x = kMasked;
}

void Sampler::apply_top_k(std::int64_t k) {
  scratch_.assign(work_.begin(), work_.end());
  auto kth = scratch_.begin() + (k - 1);
  std::nth_element(scratch_.begin(), kth, scratch_.end(), std::greater<float>());
  const float threshold = *kth;
  for (float& x : work_)
    if (x < threshold) x = kMasked;
}

void Sampler::apply_top_p(double top_p) {
  order_.clear();
  double m = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < work_.size(); ++i) {
    if (work_[i] == kMasked) continue;
    order_.push_back(static_cast<TokenId>(i));
    m = std::max(m, static_cast<double>(work_[i]));
  }
  if (order_.empty()) return;
  double z = 0.0;
  for (TokenId id : order_) z += std::exp(static_cast<double>(work_[static_cast<std::size_t>(id)]) - m);

  // The kept set is usually a few dozen tokens: rank only as many as needed,
  // growing the sorted prefix until the cut falls inside it.
  const auto by_likelihood = more_likely(work_);
  std::size_t sorted = std::min<std::size_t>(order_.size(), 256);
  std::size_t cut = order_.size();
  while (true) {
    std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(sorted), order_.end(), by_likelihood);
    double before = 0.0;  // probability of the tokens ranked above
    std::size_t r = 0;
    for (; r < sorted; ++r) {
      if (before >= top_p) break;
      before += std::exp(static_cast<double>(work_[static_cast<std::size_t>(order_[r])]) - m) / z;
    }
    if (r < sorted || before >= top_p) {
      cut = r;
      break;
    }
    if (sorted == order_.size()) break;  // everything kept
    sorted = std::min(order_.size(), sorted * 4);
  }
  for (std::size_t r = cut; r < order_.size(); ++r) work_[static_cast<std::size_t>(order_[r])] = kMasked;
}

std::span<const float> Sampler::process(std::span<const float> logits, const SamplingContext& ctx) {
  const SamplingParams& p = ctx.params;
  work_.assign(logits.begin(), logits.end());
  if (work_.empty()) throw std::invalid_argument("Sampler: empty logits row");

  if (static_cast<std::int64_t>(ctx.output.size()) < p.min_tokens)
    for (TokenId id : p.all_stop_token_ids)
      if (valid_token(id, work_.size())) work_[static_cast<std::size_t>(id)] = kMasked;
  if (p.repetition_penalty != 1.0 || p.frequency_penalty != 0.0 || p.presence_penalty != 0.0) apply_penalties(ctx);
  if (p.greedy()) return work_;

  if (p.temperature != 1.0) {
    const auto t = static_cast<float>(p.temperature);
    for (float& x : work_) x /= t;
  }
  if (p.min_p > 0.0) apply_min_p(p.min_p);
  if (p.top_k > 0 && p.top_k < static_cast<std::int64_t>(work_.size())) apply_top_k(p.top_k);
  if (p.top_p < 1.0) apply_top_p(p.top_p);
  return work_;
}

TokenId Sampler::draw(double u) {
  // Inverse CDF: the first token whose cumulative weight exceeds u * total.
  const double m = *std::max_element(work_.begin(), work_.end());
  if (!std::isfinite(m)) return argmax(work_);  // nothing left to draw from (all masked)
  weights_.resize(work_.size());
  double total = 0.0;
  for (std::size_t i = 0; i < work_.size(); ++i) total += weights_[i] = std::exp(static_cast<double>(work_[i]) - m);
  const double target = u * total;
  double cumulative = 0.0;
  TokenId last_positive = 0;
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    if (weights_[i] <= 0.0) continue;
    cumulative += weights_[i];
    last_positive = static_cast<TokenId>(i);
    if (cumulative > target) return last_positive;
  }
  return last_positive;  // u * total rounded up to the full sum
}

SampledToken Sampler::sample(std::span<const float> logits, const SamplingContext& ctx) {
  const SamplingParams& p = ctx.params;
  process(logits, ctx);
  SampledToken out;
  out.token = p.greedy() ? argmax(work_) : draw(philox_uniform(ctx.key, ctx.output.size()));
  if (p.logprobs) out.logprobs = compute_logprobs(logits, out.token, *p.logprobs);
  return out;
}

std::vector<double> Sampler::distribution(std::span<const float> logits, const SamplingContext& ctx) {
  process(logits, ctx);
  std::vector<double> probs(work_.size(), 0.0);
  if (ctx.params.greedy()) {
    probs[static_cast<std::size_t>(argmax(work_))] = 1.0;
    return probs;
  }
  const double m = *std::max_element(work_.begin(), work_.end());
  if (!std::isfinite(m)) {
    probs[static_cast<std::size_t>(argmax(work_))] = 1.0;
    return probs;
  }
  double total = 0.0;
  for (std::size_t i = 0; i < work_.size(); ++i) total += probs[i] = std::exp(static_cast<double>(work_[i]) - m);
  for (double& q : probs) q /= total;
  return probs;
}

std::vector<SampledToken> Sampler::sample(const SchedulerOutput& plan, const Logits& logits) {
  if (logits.num_rows != plan.num_logits_rows())
    throw std::invalid_argument(
        fmt::format("Sampler: {} logits rows for {} sequences to sample", logits.num_rows, plan.num_logits_rows()));
  std::vector<SampledToken> out;
  out.reserve(static_cast<std::size_t>(logits.num_rows));
  std::int64_t row = 0;
  for (const ScheduledSequence& s : plan.seqs) {
    if (!s.needs_logits) continue;
    out.push_back(sample(logits.row(row++), SamplingContext::of(*s.seq)));
  }
  return out;
}

}  // namespace llmctl::engine
