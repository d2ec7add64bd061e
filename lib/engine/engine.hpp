// The engine's step loop (model_runner.hpp) in one object: Engine ->
// Scheduler -> BlockManager, with a ModelRunner (any backend) doing the
// compute and a Sampler drawing the tokens.
//
//   Engine engine(config, BlockManager(num_blocks, 16), runner, seed);
//   engine.add("r1", prompt_ids, params);
//   while (engine.has_unfinished())
//     for (auto& update : engine.step(&stop_checker)) ...   // one token per running sequence
//
// Not thread-safe: one thread adds, aborts and steps.
#pragma once

#include "engine/model_runner.hpp"
#include "engine/sampler.hpp"
#include "engine/scheduler.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::engine {

// Wall-clock split of the steps: a step that only decodes (one new token per
// sequence past its prompt) counts as decode, any other as prefill.
struct EngineStats {
  std::int64_t steps = 0;
  std::int64_t preemptions = 0;
  std::int64_t prefill_tokens = 0;  // tokens computed in prefill steps
  std::int64_t decode_tokens = 0;   // tokens computed in decode-only steps
  double prefill_seconds = 0.0;
  double decode_seconds = 0.0;
};

class Engine {
 public:
  // `runner` must outlive the engine and have a KV cache of at least
  // blocks.num_blocks() blocks of blocks.block_size() tokens.
  Engine(SchedulerConfig config, BlockManager blocks, ModelRunner& runner,
         std::optional<std::uint64_t> seed = std::nullopt);

  // Queues a request; its sampling key comes from its seed, else the engine's generator.
  void add(std::string request_id, std::vector<TokenId> prompt, SamplingParams params);
  std::unique_ptr<Sequence> abort(const std::string& request_id) { return scheduler_.abort(request_id); }

  // One scheduler step: plan, forward pass, sampling, stop rules.
  std::vector<SequenceUpdate> step(StopChecker* stop_checker = nullptr);

  bool has_unfinished() const { return scheduler_.has_unfinished(); }
  const EngineStats& stats() const { return stats_; }
  const Scheduler& scheduler() const { return scheduler_; }

 private:
  Scheduler scheduler_;
  ModelRunner& runner_;
  Sampler sampler_;
  SamplingKeySource keys_;
  Logits logits_;
  EngineStats stats_;
};

}  // namespace llmctl::engine
