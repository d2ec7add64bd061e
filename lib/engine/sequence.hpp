// One generation request as the engine tracks it (vLLM's Request, nano-vllm's
// Sequence): its tokens, where it stands in the scheduler, how much of it is
// in the KV cache, and which blocks hold that cache.
//
// Token bookkeeping, as in vLLM v1 (no prefill/decode phases):
//   num_tokens          prompt + output tokens so far
//   num_computed_tokens tokens whose K/V are in the cache (prefix-cache hits
//                       included); the scheduler computes [computed, num_tokens)
//   block_table[i]      the block holding tokens [i*B, (i+1)*B)
#pragma once

#include "engine/block_hash.hpp"
#include "engine/sampling_params.hpp"
#include "engine/types.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace llmctl::engine {

enum class SequenceStatus {
  waiting,    // added, never scheduled
  running,    // admitted: holds KV blocks (it may still sit out a step when the token budget is spent)
  preempted,  // blocks taken back; waits at the front of the queue to be recomputed
  finished,   // see finish_reason(); holds no blocks
};
const char* to_string(SequenceStatus status);

struct SequenceOptions {
  // Keys the sequence's random stream (see sampler.hpp): the request's seed
  // when it has one, otherwise a value the engine draws (SamplingKeySource).
  std::uint64_t sampling_key = 0;
  // The caller's clock, in seconds, for latency metrics. Scheduling order is
  // the order of Scheduler::add, not this.
  double arrival_time = 0.0;
  // Requests with different salts never share cached blocks (vLLM's cache_salt).
  std::string cache_salt;
};

class Sequence {
 public:
  // Throws a usage Error for an empty prompt.
  Sequence(std::string request_id, std::vector<TokenId> prompt, SamplingParams params, SequenceOptions options = {});

  const std::string& request_id() const { return request_id_; }
  const SamplingParams& params() const { return params_; }
  std::uint64_t sampling_key() const { return options_.sampling_key; }
  double arrival_time() const { return options_.arrival_time; }
  const std::string& cache_salt() const { return options_.cache_salt; }

  // Views into one buffer: invalidated by append_token.
  std::span<const TokenId> token_ids() const { return tokens_; }
  std::span<const TokenId> prompt_token_ids() const { return token_ids().first(num_prompt_tokens_); }
  std::span<const TokenId> output_token_ids() const { return token_ids().subspan(num_prompt_tokens_); }
  std::int64_t num_tokens() const { return static_cast<std::int64_t>(tokens_.size()); }
  std::int64_t num_prompt_tokens() const { return static_cast<std::int64_t>(num_prompt_tokens_); }
  std::int64_t num_output_tokens() const { return num_tokens() - num_prompt_tokens(); }
  TokenId last_token() const { return tokens_.back(); }

  SequenceStatus status() const { return status_; }
  bool is_finished() const { return status_ == SequenceStatus::finished; }
  FinishReason finish_reason() const { return finish_reason_; }
  const StopReason& stop_reason() const { return stop_reason_; }

  std::int64_t num_computed_tokens() const { return num_computed_tokens_; }
  // Prompt tokens found in the prefix cache when first scheduled (-1 before).
  std::int64_t num_cached_tokens() const { return num_cached_tokens_; }
  std::int64_t num_preemptions() const { return num_preemptions_; }

  const std::vector<BlockId>& block_table() const { return block_table_; }
  // Hashes of the full blocks of token_ids() computed so far (BlockManager).
  const std::vector<BlockHash>& block_hashes() const { return block_hashes_; }
  // Leading blocks of block_table() registered in the prefix cache.
  std::size_t num_hashed_blocks() const { return num_hashed_blocks_; }

  // ---- mutated by the scheduler and the block manager only ----
  void append_token(TokenId token) { tokens_.push_back(token); }
  void set_status(SequenceStatus status) { status_ = status; }
  void finish(FinishReason reason, StopReason stop_reason = {});
  void set_num_computed_tokens(std::int64_t n) { num_computed_tokens_ = n; }
  void set_num_cached_tokens(std::int64_t n) { num_cached_tokens_ = n; }
  void count_preemption() { ++num_preemptions_; }
  std::vector<BlockId>& mutable_block_table() { return block_table_; }
  std::vector<BlockHash>& mutable_block_hashes() { return block_hashes_; }
  void set_num_hashed_blocks(std::size_t n) { num_hashed_blocks_ = n; }

 private:
  std::string request_id_;
  std::vector<TokenId> tokens_;
  std::size_t num_prompt_tokens_;
  SamplingParams params_;
  SequenceOptions options_;

  SequenceStatus status_ = SequenceStatus::waiting;
  FinishReason finish_reason_ = FinishReason::none;
  StopReason stop_reason_;
  std::int64_t num_computed_tokens_ = 0;
  std::int64_t num_cached_tokens_ = -1;
  std::int64_t num_preemptions_ = 0;
  std::vector<BlockId> block_table_;
  std::vector<BlockHash> block_hashes_;
  std::size_t num_hashed_blocks_ = 0;
};

}  // namespace llmctl::engine
