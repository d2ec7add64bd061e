// A model-free engine loop for scheduler tests. The "model" writes, for
// every token of a step, (token id, position) into its KV slot before any
// attention reads (the ModelRunner contract), then checks that every
// position each sequence attends to holds exactly that sequence's token:
// paging, prefix-cache hits, eviction and preemption are all verified by
// content, not just by counts. The next token is a pure function of the
// sequence's tokens, so outputs must not depend on how requests were
// batched, chunked, cached or preempted.
#pragma once

#include "engine/model_runner.hpp"
#include "engine/scheduler.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace llmctl::engine::test {

inline constexpr TokenId kSimVocab = 1000;

// The toy model: the next token after `tokens`.
inline TokenId sim_next_token(std::span<const TokenId> tokens) {
  std::uint64_t h = tokens.size();
  std::size_t from = tokens.size() > 4 ? tokens.size() - 4 : 0;
  for (std::size_t i = from; i < tokens.size(); ++i) h = h * 1000003u + static_cast<std::uint64_t>(tokens[i]);
  return static_cast<TokenId>(h % static_cast<std::uint64_t>(kSimVocab));
}

inline std::vector<TokenId> make_prompt(std::size_t length, TokenId first, TokenId step = 1) {
  std::vector<TokenId> prompt(length);
  for (std::size_t i = 0; i < length; ++i) prompt[i] = static_cast<TokenId>((first + static_cast<TokenId>(i) * step) % kSimVocab);
  return prompt;
}

inline SamplingParams greedy_params(std::int64_t max_tokens) {
  SamplingParams p;
  p.temperature = 0.0;
  p.max_tokens = max_tokens;
  p.verify_and_normalize();
  return p;
}

inline std::unique_ptr<Sequence> make_seq(const std::string& id, std::vector<TokenId> prompt, SamplingParams params) {
  return std::make_unique<Sequence>(id, std::move(prompt), std::move(params));
}

struct SimEngine {
  Scheduler scheduler;
  struct Slot {
    TokenId token = -1;
    std::int64_t position = -1;
  };
  std::vector<Slot> kv;
  std::map<std::string, std::unique_ptr<Sequence>> finished;
  std::vector<std::string> first_scheduled;  // request ids in order of first scheduling
  std::vector<std::string> admissions;       // every admission (is_new), resumptions included
  std::int64_t steps = 0;
  std::int64_t preemptions = 0;
  std::int64_t max_step_tokens = 0;
  std::size_t max_running = 0;

  SimEngine(SchedulerConfig config, std::int64_t num_blocks, std::int64_t block_size = 16, bool prefix_caching = true)
      : scheduler(config, BlockManager(num_blocks, block_size, prefix_caching)),
        kv(static_cast<std::size_t>(num_blocks * block_size)) {}

  std::int64_t block_size() const { return scheduler.block_manager().block_size(); }

  SchedulerOutput step(StopChecker* checker = nullptr) {
    SchedulerOutput plan = scheduler.schedule();
    ++steps;
    preemptions += static_cast<std::int64_t>(plan.preempted_ids.size());
    const SchedulerConfig& config = scheduler.config();
    REQUIRE(plan.total_num_tokens <= config.max_num_batched_tokens);
    REQUIRE(static_cast<std::int64_t>(scheduler.num_running()) <= config.max_num_seqs);
    REQUIRE(static_cast<std::int64_t>(plan.seqs.size()) <= config.max_num_seqs);
    max_step_tokens = std::max(max_step_tokens, plan.total_num_tokens);
    max_running = std::max(max_running, scheduler.num_running());
    for (const ScheduledSequence& s : plan.seqs) {
      REQUIRE(s.num_tokens > 0);
      if (s.is_new) admissions.push_back(s.request_id);
      if (s.is_new && std::find(first_scheduled.begin(), first_scheduled.end(), s.request_id) == first_scheduled.end())
        first_scheduled.push_back(s.request_id);
    }

    const ModelBatch batch = make_model_batch(plan, block_size());
    // Write every token's K/V first (no two tokens may share a slot) ...
    std::vector<char> written(kv.size(), 0);
    for (std::size_t t = 0; t < batch.token_ids.size(); ++t) {
      auto slot = static_cast<std::size_t>(batch.slot_mapping[t]);
      REQUIRE(slot < kv.size());
      REQUIRE(written[slot] == 0);
      written[slot] = 1;
      kv[slot] = {batch.token_ids[t], batch.positions[t]};
    }
    // ... then "attend": each sequence must find its own tokens at every position.
    for (std::size_t i = 0; i < plan.seqs.size(); ++i) {
      const Sequence& seq = *plan.seqs[i].seq;
      const auto tokens = seq.token_ids();
      const auto& table = batch.block_tables[i];
      for (std::int64_t pos = 0; pos < batch.seq_lens[i]; ++pos) {
        auto block = static_cast<std::size_t>(pos / block_size());
        REQUIRE(block < table.size());
        const Slot& slot = kv[static_cast<std::size_t>(table[block] * block_size() + pos % block_size())];
        REQUIRE(slot.position == pos);
        REQUIRE(slot.token == tokens[static_cast<std::size_t>(pos)]);
      }
    }

    std::vector<SampledToken> sampled;
    for (const ScheduledSequence& s : plan.seqs)
      if (s.needs_logits) sampled.push_back({sim_next_token(s.seq->token_ids()), std::nullopt});
    for (SequenceUpdate& update : scheduler.update_from_output(plan, sampled, checker))
      if (update.finished) finished[update.request_id] = std::move(update.finished);
    return plan;
  }

  // Steps until nothing is left (bounded, so a livelock fails instead of hanging).
  void run(std::int64_t max_steps = 100000, StopChecker* checker = nullptr) {
    while (scheduler.has_unfinished()) {
      REQUIRE(steps < max_steps);
      step(checker);
    }
  }

  void require_all_blocks_free() const {
    const BlockManager& bm = scheduler.block_manager();
    REQUIRE(bm.num_free_blocks() == bm.num_blocks());
    for (BlockId b = 0; b < bm.num_blocks(); ++b) REQUIRE(bm.ref_count(b) == 0);
    REQUIRE(static_cast<std::int64_t>(bm.free_queue().size()) == bm.num_blocks());
  }
};

// The output a request gets when it runs alone with plenty of room.
inline std::vector<TokenId> reference_output(const std::vector<TokenId>& prompt, std::int64_t max_tokens,
                                             std::int64_t max_model_len) {
  std::vector<TokenId> tokens = prompt;
  std::vector<TokenId> out;
  while (true) {  // a prompt always gets one token, even at max_model_len
    TokenId next = sim_next_token(tokens);
    tokens.push_back(next);
    out.push_back(next);
    if (static_cast<std::int64_t>(out.size()) >= max_tokens || static_cast<std::int64_t>(tokens.size()) >= max_model_len)
      break;
  }
  return out;
}

}  // namespace llmctl::engine::test
