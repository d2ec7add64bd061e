#include "engine/scheduler.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace llmctl::engine {

void SchedulerConfig::verify(std::int64_t kv_capacity_tokens) const {
  if (max_model_len < 1) throw usage_error(fmt::format("max_model_len must be at least 1, got {}", max_model_len));
  if (max_num_seqs < 1) throw usage_error(fmt::format("max_num_seqs must be at least 1, got {}", max_num_seqs));
  if (max_num_batched_tokens < 1)
    throw usage_error(fmt::format("max_num_batched_tokens must be at least 1, got {}", max_num_batched_tokens));
  // vLLM's SchedulerConfig checks, worded as there.
  if (max_num_batched_tokens < max_num_seqs)
    throw usage_error(fmt::format("max_num_batched_tokens ({}) must be greater than or equal to max_num_seqs ({}).",
                                  max_num_batched_tokens, max_num_seqs));
  if (!enable_chunked_prefill && max_num_batched_tokens < max_model_len)
    throw usage_error(fmt::format(
        "max_num_batched_tokens ({}) is smaller than max_model_len ({}). This effectively limits the maximum "
        "sequence length to max_num_batched_tokens and makes vLLM reject longer sequences. Please increase "
        "max_num_batched_tokens or decrease max_model_len.",
        max_num_batched_tokens, max_model_len));
  if (long_prefill_token_threshold < 0)
    throw usage_error(
        fmt::format("long_prefill_token_threshold must be at least 0, got {}", long_prefill_token_threshold));
  // One sequence alone must always fit, or it could be preempted forever.
  if (max_model_len > kv_capacity_tokens)
    throw usage_error(fmt::format("the KV cache holds {} tokens, fewer than max_model_len ({}): one sequence of the "
                                  "maximum length could never run",
                                  kv_capacity_tokens, max_model_len),
                      "decrease max_model_len or give the KV cache more memory");
}

Scheduler::Scheduler(SchedulerConfig config, BlockManager block_manager)
    : config_(config), blocks_(std::move(block_manager)) {
  config_.verify(blocks_.num_blocks() * blocks_.block_size());
}

void Scheduler::add(std::unique_ptr<Sequence> seq) {
  if (!seq) throw std::invalid_argument("Scheduler::add: null sequence");
  if (seq->status() != SequenceStatus::waiting || seq->num_output_tokens() != 0)
    throw std::invalid_argument("Scheduler::add: the sequence is not new");
  if (seq->num_prompt_tokens() > config_.max_model_len)
    throw usage_error(fmt::format("The decoder prompt (length {}) is longer than the maximum model length of {}. "
                                  "Make sure that `max_model_len` is no smaller than the number of text tokens.",
                                  seq->num_prompt_tokens(), config_.max_model_len));
  if (sequences_.contains(seq->request_id()))
    throw usage_error(fmt::format("request id {} is already in use", seq->request_id()));
  Sequence* raw = seq.get();
  sequences_.emplace(raw->request_id(), std::move(seq));
  waiting_.push_back(raw);
}

const Sequence* Scheduler::find(const std::string& request_id) const {
  auto it = sequences_.find(request_id);
  return it == sequences_.end() ? nullptr : it->second.get();
}

std::unique_ptr<Sequence> Scheduler::retire(Sequence& seq) {
  blocks_.free(seq);
  std::erase(running_, &seq);
  std::erase(waiting_, &seq);
  finished_since_last_step_.push_back(seq.request_id());
  auto node = sequences_.extract(seq.request_id());
  return std::move(node.mapped());
}

std::unique_ptr<Sequence> Scheduler::abort(const std::string& request_id) {
  auto it = sequences_.find(request_id);
  if (it == sequences_.end()) return nullptr;
  Sequence& seq = *it->second;
  seq.finish(FinishReason::abort);
  return retire(seq);
}

void Scheduler::preempt(Sequence& seq) {
  blocks_.free(seq);
  seq.set_status(SequenceStatus::preempted);
  seq.set_num_computed_tokens(0);
  seq.count_preemption();
  waiting_.push_front(&seq);
}

SchedulerOutput Scheduler::schedule() {
  SchedulerOutput out;
  out.finished_ids = std::move(finished_since_last_step_);
  finished_since_last_step_.clear();
  std::int64_t budget = config_.max_num_batched_tokens;
  auto cap_chunk = [&](std::int64_t n) {
    if (config_.long_prefill_token_threshold > 0) n = std::min(n, config_.long_prefill_token_threshold);
    return n;
  };

  // 1. Running sequences: decodes and the next chunks of admitted prefills.
  std::size_t index = 0;
  while (index < running_.size() && budget > 0) {
    Sequence& seq = *running_[index];
    std::int64_t n = std::min(cap_chunk(seq.num_tokens() - seq.num_computed_tokens()), budget);
    if (n <= 0) {  // nothing left to compute (cannot happen between update calls; be lenient)
      ++index;
      continue;
    }
    bool scheduled = false;
    while (true) {
      if (blocks_.allocate_slots(seq, n)) {
        scheduled = true;
        break;
      }
      // Out of blocks: recompute the latest admitted sequence later (FCFS
      // priority). running_[0..index) are already scheduled and come before
      // the back, so the victim is never one of them, unless it is `seq`.
      Sequence* victim = running_.back();
      running_.pop_back();
      preempt(*victim);
      out.preempted_ids.push_back(victim->request_id());
      if (victim == &seq) break;
    }
    if (!scheduled) break;
    out.seqs.push_back({seq.request_id(), &seq, seq.num_computed_tokens(), n,
                        seq.num_computed_tokens() + n == seq.num_tokens(), false});
    budget -= n;
    ++index;
  }

  // 2. Waiting sequences, unless this step had to preempt (vLLM: admitting
  // new work right after taking blocks back would only thrash).
  if (out.preempted_ids.empty()) {
    while (!waiting_.empty() && budget > 0) {
      if (static_cast<std::int64_t>(running_.size()) >= config_.max_num_seqs) break;
      Sequence& seq = *waiting_.front();
      // A preempted sequence starts over too, but may hit its own freed blocks.
      CachedPrefix prefix = blocks_.find_cached_prefix(seq);
      const std::int64_t computed = prefix.num_tokens;
      std::int64_t n = cap_chunk(seq.num_tokens() - computed);
      if (!config_.enable_chunked_prefill && n > budget) break;
      n = std::min(n, budget);
      if (!blocks_.allocate_slots(seq, n, prefix)) break;  // head of line waits for blocks
      waiting_.pop_front();
      running_.push_back(&seq);
      seq.set_status(SequenceStatus::running);
      seq.set_num_computed_tokens(computed);
      if (seq.num_cached_tokens() < 0) seq.set_num_cached_tokens(computed);
      out.seqs.push_back({seq.request_id(), &seq, computed, n, computed + n == seq.num_tokens(), true});
      budget -= n;
    }
  }

  // The plan's tokens count as computed from now on, so the next schedule()
  // continues after them (vLLM's _update_after_schedule).
  for (const ScheduledSequence& s : out.seqs) {
    out.total_num_tokens += s.num_tokens;
    sequences_.at(s.request_id)->set_num_computed_tokens(s.start + s.num_tokens);
  }
  if (out.total_num_tokens > config_.max_num_batched_tokens || budget < 0)
    throw std::logic_error("Scheduler::schedule exceeded the token budget");
  return out;
}

void Scheduler::check_token_stop(Sequence& seq, TokenId token) const {
  // vLLM's check_stop: EOS and stop tokens count only once min_tokens are out
  // (the sampler masks them before, but a forced token could still arrive).
  const SamplingParams& params = seq.params();
  const std::int64_t generated = seq.num_output_tokens();
  if (generated >= params.min_tokens) {
    if (params.eos_token_id && token == *params.eos_token_id) {
      seq.finish(FinishReason::stop);
      return;
    }
    if (std::find(params.stop_token_ids.begin(), params.stop_token_ids.end(), token) != params.stop_token_ids.end()) {
      seq.finish(FinishReason::stop, token);
      return;
    }
  }
  // The context limit applies whatever min_tokens says: there is no position left.
  if (seq.num_tokens() >= config_.max_model_len || (params.max_tokens && generated >= *params.max_tokens))
    seq.finish(FinishReason::length);
}

std::vector<SequenceUpdate> Scheduler::update_from_output(const SchedulerOutput& plan,
                                                          std::span<const SampledToken> sampled,
                                                          StopChecker* stop_checker) {
  if (static_cast<std::int64_t>(sampled.size()) != plan.num_logits_rows())
    throw std::invalid_argument(fmt::format("update_from_output: {} sampled tokens for {} logits rows",
                                            sampled.size(), plan.num_logits_rows()));
  std::vector<SequenceUpdate> updates;
  std::size_t row = 0;
  for (const ScheduledSequence& entry : plan.seqs) {
    if (!entry.needs_logits) continue;  // a prefill chunk short of the end: nothing to sample
    const SampledToken& token = sampled[row++];
    auto it = sequences_.find(entry.request_id);
    // Aborted (or preempted) since the plan was made: its sample is stale.
    if (it == sequences_.end() || it->second.get() != entry.seq ||
        it->second->status() != SequenceStatus::running)
      continue;
    Sequence& seq = *it->second;
    seq.append_token(token.token);
    check_token_stop(seq, token.token);
    if (stop_checker != nullptr) {
      const bool may_stop = seq.num_output_tokens() > seq.params().min_tokens;
      if (auto stop = stop_checker->check(seq, token.token, may_stop); stop && may_stop)
        seq.finish(FinishReason::stop, std::move(*stop));
    }
    SequenceUpdate update;
    update.request_id = seq.request_id();
    update.token = token.token;
    update.logprobs = token.logprobs;
    update.finish_reason = seq.finish_reason();
    update.stop_reason = seq.stop_reason();
    if (seq.is_finished()) update.finished = retire(seq);
    updates.push_back(std::move(update));
  }
  return updates;
}

}  // namespace llmctl::engine
