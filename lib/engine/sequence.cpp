#include "engine/sequence.hpp"

#include "util/error.hpp"

namespace llmctl::engine {

const char* to_string(SequenceStatus status) {
  switch (status) {
    case SequenceStatus::waiting: return "waiting";
    case SequenceStatus::running: return "running";
    case SequenceStatus::preempted: return "preempted";
    case SequenceStatus::finished: return "finished";
  }
  return "waiting";
}

Sequence::Sequence(std::string request_id, std::vector<TokenId> prompt, SamplingParams params,
                   SequenceOptions options)
    : request_id_(std::move(request_id)),
      tokens_(std::move(prompt)),
      num_prompt_tokens_(tokens_.size()),
      params_(std::move(params)),
      options_(std::move(options)) {
  // vLLM: "The decoder prompt cannot be empty" -- there would be no position
  // to take the first logits from.
  if (tokens_.empty()) throw usage_error("The decoder prompt cannot be empty (request " + request_id_ + ")");
}

void Sequence::finish(FinishReason reason, StopReason stop_reason) {
  status_ = SequenceStatus::finished;
  finish_reason_ = reason;
  stop_reason_ = std::move(stop_reason);
}

}  // namespace llmctl::engine
