// What the scheduler decided for one step, and what comes back from it: the
// contract between the Scheduler (policy) and the ModelRunner (compute).
#pragma once

#include "engine/sequence.hpp"
#include "engine/types.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::engine {

// One sequence's share of a step: compute positions [start, start + num_tokens).
struct ScheduledSequence {
  std::string request_id;
  // The scheduler's sequence, read-only for the runner: token_ids() gives the
  // input ids, block_table() the slots. Valid until update_from_output.
  const Sequence* seq = nullptr;
  std::int64_t start = 0;       // tokens already in the KV cache (prefix hits included)
  std::int64_t num_tokens = 0;  // tokens computed this step (a prefill chunk, or 1 to decode)
  // The chunk ends the sequence's known tokens: the runner returns logits for
  // its last position and the sampler draws the next token. False for every
  // prefill chunk but the last.
  bool needs_logits = false;
  // First step since added, or since resumed after preemption: per-sequence
  // state the runner keeps (if any) starts afresh.
  bool is_new = false;
};

struct SchedulerOutput {
  // In the order the runner lays the batch out; logits rows follow the
  // entries with needs_logits, in this order.
  std::vector<ScheduledSequence> seqs;
  std::int64_t total_num_tokens = 0;  // sum of num_tokens, <= max_num_batched_tokens
  // Sequences that lost their blocks this step (recomputed later) and those
  // that finished or were aborted since the previous step: the runner drops
  // whatever it holds for them.
  std::vector<std::string> preempted_ids;
  std::vector<std::string> finished_ids;

  bool empty() const { return seqs.empty(); }
  std::int64_t num_logits_rows() const;
};

// What update_from_output reports for each sequence that got a token.
struct SequenceUpdate {
  std::string request_id;
  TokenId token = 0;
  std::optional<TokenLogprobs> logprobs;
  FinishReason finish_reason = FinishReason::none;  // none: still generating
  StopReason stop_reason;
  // A finished sequence leaves the scheduler: here it is handed to the
  // caller (its tokens, counts and reasons), holding no blocks.
  std::unique_ptr<Sequence> finished;
};

}  // namespace llmctl::engine
