// The ModelRunner interface: the layer below the scheduler. It owns the KV
// cache memory and the weights, turns a SchedulerOutput into a forward pass
// on a Backend, and returns logits. It decides no policy: which sequences
// run, how many tokens each, and which blocks they use all come from the
// scheduler. The step loop the engine runs:
//
//   SchedulerOutput plan = scheduler.schedule();
//   if (!plan.empty()) {
//     runner.execute(plan, make_model_batch(plan, block_size), logits);
//     auto tokens = sampler.sample(plan, logits);
//     auto updates = scheduler.update_from_output(plan, tokens, &stop_checker);
//   }
#pragma once

#include "engine/scheduler_output.hpp"
#include "engine/types.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace llmctl::engine {

// A step's tokens flattened the way attention kernels want them (as
// vLLM's and nano-vllm's prepare_inputs build them).
struct ModelBatch {
  std::int64_t block_size = 0;
  // One entry per token computed, sequence after sequence.
  std::vector<TokenId> token_ids;
  std::vector<std::int32_t> positions;     // index of the token in its sequence (RoPE position)
  std::vector<std::int64_t> slot_mapping;  // block_table[pos / B] * B + pos % B: where its K/V go
  // One entry per sequence (+1 for query_start).
  std::vector<std::int32_t> query_start;   // token range of sequence i: [query_start[i], query_start[i+1])
  std::vector<std::int32_t> seq_lens;      // keys sequence i attends to: start + num_tokens (causal)
  std::vector<std::vector<BlockId>> block_tables;  // blocks covering [0, seq_lens[i])
  // Token rows whose hidden states become logits, one per sequence with
  // needs_logits, in order (the last token of its chunk).
  std::vector<std::int32_t> logits_indices;

  std::int64_t num_tokens() const { return static_cast<std::int64_t>(token_ids.size()); }
  std::int64_t num_seqs() const { return static_cast<std::int64_t>(seq_lens.size()); }
};

ModelBatch make_model_batch(const SchedulerOutput& plan, std::int64_t block_size);

// Logits rows [num_rows x vocab_size], row-major, float32.
struct Logits {
  std::int64_t num_rows = 0;
  std::int64_t vocab_size = 0;
  std::vector<float> values;

  void resize(std::int64_t rows, std::int64_t vocab);
  std::span<const float> row(std::int64_t r) const;
  std::span<float> row(std::int64_t r);
};

class ModelRunner {
 public:
  virtual ~ModelRunner() = default;

  virtual std::int64_t vocab_size() const = 0;

  // Runs the forward pass of `batch` (make_model_batch(plan)): writes the K/V of every token at its
  // slot, attends over each sequence's cached prefix plus its own causal
  // chunk, and fills `out` with one row per logits_indices entry.
  //
  // Contract: within each layer, write the K/V of ALL tokens of the batch
  // before any attention of that layer reads the cache. A sequence may hit,
  // through the prefix cache, a block another sequence of the same batch is
  // filling in this very step (the block manager registers blocks when they
  // are scheduled, as vLLM does).
  //
  // Runner-side state of sequences in plan.preempted_ids/finished_ids, or
  // with is_new set, must be dropped before this step computes.
  virtual void execute(const SchedulerOutput& plan, const ModelBatch& batch, Logits& out) = 0;

  // Device-side sampling (the CUDA backend): when true, execute() may leave
  // `out` empty (the logits stay on the device) and the Engine calls
  // sample(plan) instead of its CPU Sampler, with the same semantics
  // (sampler.hpp: steps, Philox draws, raw logprobs). Default: off.
  virtual bool samples_on_device() const { return false; }
  // One SampledToken per plan entry with needs_logits, in order, from the
  // logits of the last execute().
  virtual std::vector<SampledToken> sample(const SchedulerOutput& plan);
};

}  // namespace llmctl::engine
