// Continuous batching with chunked prefill, as vLLM v1's Scheduler (FCFS
// policy). There are no prefill and decode phases: each sequence has
// num_tokens and num_computed_tokens, and every step hands out a token budget
// (max_num_batched_tokens) so the computed count catches up:
//
//   1. RUNNING sequences first, in admission order: each gets
//      min(num_tokens - num_computed, budget) tokens (1 for a decode, a chunk
//      for an unfinished prefill). When its blocks cannot be allocated, the
//      most recently admitted running sequence is preempted (by recompute:
//      its blocks freed, its computed count reset, moved to the FRONT of the
//      waiting queue) until they can, possibly the sequence itself.
//   2. Then, unless something was preempted this step, WAITING sequences in
//      FCFS order while budget, max_num_seqs and blocks allow: prefix-cache
//      hits are skipped, the rest is a prefill chunk within the budget. The
//      queue head blocks everything behind it (no overtaking), so a request
//      that arrived first is admitted first.
//
// Sampling and text never enter here: update_from_output takes the sampled
// tokens, and stop strings are judged by the engine's StopChecker.
// Not thread-safe: the engine calls add/abort/schedule/update from its loop.
#pragma once

#include "engine/block_manager.hpp"
#include "engine/scheduler_output.hpp"
#include "engine/sequence.hpp"
#include "engine/types.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace llmctl::engine {

struct SchedulerConfig {
  std::int64_t max_num_batched_tokens = 2048;  // tokens computed per step, all sequences together
  std::int64_t max_num_seqs = 256;             // sequences admitted (running) at once
  std::int64_t max_model_len = 0;              // positions per sequence, prompt + output (required)
  bool enable_chunked_prefill = true;          // false: a prefill must fit the budget whole
  std::int64_t long_prefill_token_threshold = 0;  // > 0: cap on one sequence's chunk per step

  // Usage Errors for values that cannot work, including a KV cache too small
  // for one max_model_len sequence (vLLM refuses to start in that case).
  void verify(std::int64_t kv_capacity_tokens) const;
};

// Decides whether the detokenized output now contains a stop string. The
// engine implements it with the tokenizer and a StopStringMatcher per
// sequence (stop_strings.hpp); the scheduler only acts on the answer.
class StopChecker {
 public:
  virtual ~StopChecker() = default;
  // Called for every token appended to `seq`, after the token rules (EOS,
  // stop_token_ids, max_tokens, max_model_len) have run: seq.finish_reason()
  // says whether one ended it. `may_stop` is false while no more than
  // min_tokens tokens exist (vLLM's detokenizer checks stop strings only past
  // min_tokens). Returns the stop string the new text completed, if any: the
  // sequence then finishes with reason stop and that string as stop_reason,
  // even if a length limit also ended it (as vLLM's output processor).
  virtual std::optional<std::string> check(const Sequence& seq, TokenId token, bool may_stop) = 0;
};

class Scheduler {
 public:
  // Throws usage Errors from config.verify.
  Scheduler(SchedulerConfig config, BlockManager block_manager);

  // Queues a new sequence (status waiting). Usage Errors for a duplicate
  // request id or a prompt longer than max_model_len (vLLM's message).
  void add(std::unique_ptr<Sequence> seq);

  // Ends a waiting or running sequence now: its blocks are freed before this
  // returns. Returns it (finished, reason abort), or null for an unknown id.
  std::unique_ptr<Sequence> abort(const std::string& request_id);

  // Plans the next step. Advances each scheduled sequence's computed count
  // (its tokens are as good as computed once the runner runs the plan).
  SchedulerOutput schedule();

  // Takes the step's sampled tokens (one per plan entry with needs_logits, in
  // order), appends them, applies stop rules, frees finished sequences'
  // blocks and hands them back in the updates. `stop_checker` may be null.
  std::vector<SequenceUpdate> update_from_output(const SchedulerOutput& plan, std::span<const SampledToken> sampled,
                                                 StopChecker* stop_checker);

  bool has_unfinished() const { return !waiting_.empty() || !running_.empty(); }
  std::size_t num_waiting() const { return waiting_.size(); }
  std::size_t num_running() const { return running_.size(); }
  const Sequence* find(const std::string& request_id) const;
  const SchedulerConfig& config() const { return config_; }
  const BlockManager& block_manager() const { return blocks_; }

 private:
  void preempt(Sequence& seq);
  // The token rules of vLLM's check_stop; sets seq's finish state.
  void check_token_stop(Sequence& seq, TokenId token) const;
  std::unique_ptr<Sequence> retire(Sequence& seq);  // frees blocks, leaves the queues

  SchedulerConfig config_;
  BlockManager blocks_;
  std::unordered_map<std::string, std::unique_ptr<Sequence>> sequences_;
  std::deque<Sequence*> waiting_;
  std::vector<Sequence*> running_;  // admission order; preemption takes the back
  std::vector<std::string> finished_since_last_step_;
};

}  // namespace llmctl::engine
