#include "engine/engine.hpp"

#include <chrono>
#include <stdexcept>

namespace llmctl::engine {

Engine::Engine(SchedulerConfig config, BlockManager blocks, ModelRunner& runner, std::optional<std::uint64_t> seed)
    : scheduler_(config, std::move(blocks)), runner_(runner), keys_(seed) {}

void Engine::add(std::string request_id, std::vector<TokenId> prompt, SamplingParams params) {
  SequenceOptions options;
  options.sampling_key = keys_.key_for(params);
  scheduler_.add(std::make_unique<Sequence>(std::move(request_id), std::move(prompt), std::move(params), options));
}

std::vector<SequenceUpdate> Engine::step(StopChecker* stop_checker) {
  SchedulerOutput plan = scheduler_.schedule();
  ++stats_.steps;
  stats_.preemptions += static_cast<std::int64_t>(plan.preempted_ids.size());
  if (plan.empty()) return {};
  bool decode_only = true;
  for (const ScheduledSequence& s : plan.seqs)
    decode_only = decode_only && s.num_tokens == 1 && s.start >= s.seq->num_prompt_tokens();
  const auto started = std::chrono::steady_clock::now();
  runner_.execute(plan, make_model_batch(plan, scheduler_.block_manager().block_size()), logits_);
  std::vector<SampledToken> sampled =
      runner_.samples_on_device() ? runner_.sample(plan) : sampler_.sample(plan, logits_);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  (decode_only ? stats_.decode_seconds : stats_.prefill_seconds) += seconds;
  (decode_only ? stats_.decode_tokens : stats_.prefill_tokens) += plan.total_num_tokens;
  return scheduler_.update_from_output(plan, sampled, stop_checker);
}

}  // namespace llmctl::engine

namespace llmctl::engine {

std::vector<SampledToken> ModelRunner::sample(const SchedulerOutput&) {
  throw std::logic_error("ModelRunner::sample: this runner does not sample on its device");
}

}  // namespace llmctl::engine
