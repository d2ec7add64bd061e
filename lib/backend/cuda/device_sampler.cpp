// Host side of the device sampler (kernels/sampling.cu): per row the
// SamplingParams, the penalty list (distinct tokens of prompt and output with
// their output counts) and the min_tokens-masked ids go up in one copy; only
// the results (token, logprob, rank, top-n) come back. A request for more top
// logprobs than kMaxTopLogprobs (or the whole vocabulary) copies that raw row
// back and uses engine::compute_logprobs.
#include "backend/cuda/cuda_model_runner.hpp"

#include "check.hpp"
#include "engine/sampler.hpp"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

namespace llmctl::cuda {

std::vector<engine::SampledToken> CudaModelRunner::sample(const engine::SchedulerOutput& plan) {
  if (plan.num_logits_rows() != last_rows_)
    throw std::invalid_argument(fmt::format("CudaModelRunner::sample: {} logits rows for {} sequences to sample",
                                            last_rows_, plan.num_logits_rows()));
  std::vector<SampleRowParams> params;
  std::vector<PenaltyEntry> penalties;
  std::vector<std::int32_t> masked;
  std::vector<const engine::ScheduledSequence*> rows;
  if (counts_.size() != static_cast<std::size_t>(vocab_)) {
    counts_.assign(static_cast<std::size_t>(vocab_), 0);
    seen_.assign(static_cast<std::size_t>(vocab_), 0);
  }
  for (const engine::ScheduledSequence& s : plan.seqs) {
    if (!s.needs_logits) continue;
    rows.push_back(&s);
    const engine::SamplingContext ctx = engine::SamplingContext::of(*s.seq);
    const engine::SamplingParams& p = ctx.params;
    SampleRowParams r;
    r.temperature = p.greedy() ? 0.0f : static_cast<float>(p.temperature);
    r.top_p = static_cast<float>(p.top_p);
    r.min_p = static_cast<float>(p.min_p);
    r.top_k = static_cast<std::int32_t>(p.top_k);
    r.repetition_penalty = static_cast<float>(p.repetition_penalty);
    r.frequency_penalty = static_cast<float>(p.frequency_penalty);
    r.presence_penalty = static_cast<float>(p.presence_penalty);
    r.key = ctx.key;
    r.counter = ctx.output.size();
    r.num_top_logprobs = p.logprobs ? static_cast<std::int32_t>(std::min<std::int64_t>(
                                          *p.logprobs < 0 ? 0 : *p.logprobs, kMaxTopLogprobs))
                                    : -1;
    r.masked_begin = static_cast<std::int32_t>(masked.size());
    if (static_cast<std::int64_t>(ctx.output.size()) < p.min_tokens)
      masked.insert(masked.end(), p.all_stop_token_ids.begin(), p.all_stop_token_ids.end());
    r.masked_end = static_cast<std::int32_t>(masked.size());
    r.penalty_begin = static_cast<std::int32_t>(penalties.size());
    if (p.repetition_penalty != 1.0 || p.frequency_penalty != 0.0 || p.presence_penalty != 0.0) {
      std::vector<engine::TokenId> touched;
      auto touch = [&](engine::TokenId id) {
        if (id < 0 || id >= vocab_) return false;
        const auto i = static_cast<std::size_t>(id);
        if (!seen_[i] && counts_[i] == 0) touched.push_back(id);
        return true;
      };
      for (engine::TokenId id : ctx.prompt)
        if (touch(id)) seen_[static_cast<std::size_t>(id)] = 1;
      for (engine::TokenId id : ctx.output)
        if (touch(id)) ++counts_[static_cast<std::size_t>(id)];
      for (engine::TokenId id : touched) {
        const auto i = static_cast<std::size_t>(id);
        PenaltyEntry e;
        e.token = id;
        e.output_count = counts_[i];
        penalties.push_back(e);
        counts_[i] = 0;
        seen_[i] = 0;
      }
    }
    r.penalty_end = static_cast<std::int32_t>(penalties.size());
    params.push_back(r);
  }
  const auto n = static_cast<std::int64_t>(params.size());
  if (n == 0) return {};
  // Upload: params, then penalties and masked ids (grown on demand).
  const std::size_t pen_bytes = penalties.size() * sizeof(PenaltyEntry), mask_bytes = masked.size() * 4;
  if (sample_penalties_.bytes() < pen_bytes) sample_penalties_ = DeviceBuffer(pen_bytes * 2);
  if (sample_masked_.bytes() < mask_bytes) sample_masked_ = DeviceBuffer(mask_bytes * 2);
  const std::size_t param_bytes = static_cast<std::size_t>(n) * sizeof(SampleRowParams);
  const std::size_t result_bytes = static_cast<std::size_t>(n) * sizeof(SampleRowResult);
  const std::size_t staging = std::max(param_bytes + pen_bytes + mask_bytes, result_bytes);
  if (sample_host_.bytes() < staging) sample_host_ = PinnedBuffer(staging * 2);
  auto* host = sample_host_.as<unsigned char>();
  std::memcpy(host, params.data(), param_bytes);
  if (pen_bytes) std::memcpy(host + param_bytes, penalties.data(), pen_bytes);
  if (mask_bytes) std::memcpy(host + param_bytes + pen_bytes, masked.data(), mask_bytes);
  const cudaStream_t st = ctx_.stream();
  LLMCTL_CUDA_CHECK(cudaMemcpyAsync(sample_params_.data(), host, param_bytes, cudaMemcpyHostToDevice, st));
  if (pen_bytes)
    LLMCTL_CUDA_CHECK(
        cudaMemcpyAsync(sample_penalties_.data(), host + param_bytes, pen_bytes, cudaMemcpyHostToDevice, st));
  if (mask_bytes)
    LLMCTL_CUDA_CHECK(cudaMemcpyAsync(sample_masked_.data(), host + param_bytes + pen_bytes, mask_bytes,
                                      cudaMemcpyHostToDevice, st));
  launch_sample(logits_.as<float>(), n, vocab_, sample_params_.as<SampleRowParams>(),
                sample_penalties_.as<PenaltyEntry>(), sample_masked_.as<std::int32_t>(), sample_work_.as<float>(),
                sample_results_.as<SampleRowResult>(), st);
  // The staging buffer is reused for the results only after the uploads are done (same stream, in order).
  LLMCTL_CUDA_CHECK(cudaMemcpyAsync(host, sample_results_.data(), result_bytes, cudaMemcpyDeviceToHost, st));
  ctx_.synchronize();
  std::vector<SampleRowResult> results(static_cast<std::size_t>(n));
  std::memcpy(results.data(), host, result_bytes);

  std::vector<engine::SampledToken> out(static_cast<std::size_t>(n));
  std::vector<float> raw;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const SampleRowResult& res = results[k];
    out[k].token = res.token;
    const engine::SamplingParams& p = rows[k]->seq->params();
    if (!p.logprobs) continue;
    if (*p.logprobs < 0 || *p.logprobs > kMaxTopLogprobs) {  // whole vocabulary / many: on the host
      raw.resize(static_cast<std::size_t>(vocab_));
      LLMCTL_CUDA_CHECK(cudaMemcpy(raw.data(), logits_.as<float>() + i * vocab_,
                                   static_cast<std::size_t>(vocab_) * sizeof(float), cudaMemcpyDeviceToHost));
      out[k].logprobs = engine::compute_logprobs(raw, res.token, *p.logprobs);
      continue;
    }
    engine::TokenLogprobs lp;
    lp.logprob = res.logprob;
    lp.rank = res.rank;
    for (std::int64_t j = 0; j < *p.logprobs && j < vocab_; ++j)
      lp.top.emplace_back(res.top_ids[j], res.top_logprobs[j]);
    out[k].logprobs = std::move(lp);
  }
  return out;
}

}  // namespace llmctl::cuda
