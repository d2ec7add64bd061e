// Next-token sampling from one row of logits, in vLLM v1's order
// (vllm/v1/sample/sampler.py):
//
//   0. logprobs, when requested, come from the RAW logits: log_softmax of the
//      model output before any step below (vLLM's default logprobs_mode
//      "raw_logprobs"), so they describe the model, not the sampling knobs.
//   1. min_tokens: while fewer than min_tokens tokens were generated, every
//      stop token id and EOS gets -inf.
//   2. penalties, on tokens seen so far (x = logit):
//        repetition (prompt + output): x > 0 ? x / r : x * r
//        frequency  (output): x -= f * count(token in output)
//        presence   (output): x -= p * [token in output]
//   3. temperature < 1e-5: greedy, argmax of the result (lowest id on ties,
//      as torch.argmax); no randomness, steps 4-7 skipped.
//   4. temperature: x /= T.
//   5. min-p: with q = softmax(x), drop tokens with q < min_p * max(q).
//   6. top-k: drop tokens whose logit is below the k-th largest (ties with
//      the k-th all stay, as vLLM's mask `x < kth value`).
//   7. top-p: walking tokens from most to least likely (ties: lower id
//      first), keep a token while the probability of those before it is
//      < top_p; the most likely always stays (vLLM masks the ascending
//      cumulative sum <= 1 - top_p, the same set).
//   8. draw from softmax of what is left.
//
// The draw (step 8) is inverse-CDF sampling with one uniform u from
// Philox4x32-10 keyed by the sequence's sampling key and counted by the
// number of tokens it has generated: u(key, n). A sequence's tokens thus
// depend only on its own logits, key and position: not on its batch mates,
// the batch order, or a preemption and recompute in between (vLLM gives each
// seeded request its own torch.Generator for the same reason). vLLM draws by
// the exponential race argmax(p / Exp(1)); both are exact samples of p.
#pragma once

#include "engine/model_runner.hpp"
#include "engine/sampling_params.hpp"
#include "engine/scheduler_output.hpp"
#include "engine/sequence.hpp"
#include "engine/types.hpp"

#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <vector>

namespace llmctl::engine {

// What the sampler needs of a sequence.
struct SamplingContext {
  const SamplingParams& params;
  std::span<const TokenId> prompt;
  std::span<const TokenId> output;  // generated so far; its size is the draw counter
  std::uint64_t key = 0;            // Sequence::sampling_key()

  static SamplingContext of(const Sequence& seq) {
    return {seq.params(), seq.prompt_token_ids(), seq.output_token_ids(), seq.sampling_key()};
  }
};

// Sampling keys for new sequences: a request's seed when it has one (same
// seed, same tokens, as vLLM), otherwise a fresh value from a generator the
// engine owns (seeded by the engine's --seed, or by std::random_device).
class SamplingKeySource {
 public:
  explicit SamplingKeySource(std::optional<std::uint64_t> engine_seed = std::nullopt);
  std::uint64_t key_for(const SamplingParams& params);

 private:
  std::mt19937_64 rng_;
};

// Keeps vocabulary-sized scratch buffers between calls: one per thread.
class Sampler {
 public:
  SampledToken sample(std::span<const float> logits, const SamplingContext& ctx);

  // Every plan entry with needs_logits, against logits.row(i) in order.
  std::vector<SampledToken> sample(const SchedulerOutput& plan, const Logits& logits);

  // Steps 1-7: the logits the token is drawn from, dropped tokens at -inf
  // (greedy: steps 1-2 only). A view of the internal buffer, valid until the
  // next call.
  std::span<const float> process(std::span<const float> logits, const SamplingContext& ctx);

  // The probabilities `sample` draws from: softmax of process(), or one-hot
  // on the argmax for greedy sampling.
  std::vector<double> distribution(std::span<const float> logits, const SamplingContext& ctx);

 private:
  void apply_penalties(const SamplingContext& ctx);
  void apply_min_p(double min_p);
  void apply_top_k(std::int64_t k);
  void apply_top_p(double p);
  TokenId draw(double u);

  std::vector<float> work_;             // the logits being processed
  std::vector<double> weights_;         // exp(x - max) during the draw
  std::vector<float> scratch_;          // top-k selection
  std::vector<TokenId> order_;          // top-p ranking
  std::vector<std::int32_t> counts_;    // per-token output counts, all zero between calls
  std::vector<unsigned char> seen_;     // per-token "in prompt or output", all zero between calls
  std::vector<TokenId> touched_;        // the entries of counts_/seen_ to reset
};

// log_softmax(logits)[token], its rank, and the `top` most likely tokens
// (top = -1: the whole vocabulary), in double precision.
TokenLogprobs compute_logprobs(std::span<const float> logits, TokenId token, std::int64_t top);

// argmax with the lowest index on ties (torch.argmax); NaN never wins.
TokenId argmax(std::span<const float> values);

}  // namespace llmctl::engine
