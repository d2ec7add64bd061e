// Text of running requests as the engine produces it: each request's token
// ids detokenized incrementally (skip_special_tokens from its params), with
// its stop strings matched across token boundaries (StopStringMatcher holds
// back a tail that may still become a stop string). Implements the engine's
// StopChecker, so a stop string ends the sequence in the same step.
//
//   TextStreams texts(tokenizer);
//   texts.track(seq_id, params, prompt_tail);
//   for (auto& u : engine.step(&texts)) show(texts.take(u.request_id));
//   ... when u.finished: show(texts.finish(u.request_id));
#pragma once

#include "engine/sampling_params.hpp"
#include "engine/scheduler.hpp"
#include "engine/stop_strings.hpp"
#include "text/tokenizer/detokenizer.hpp"
#include "text/tokenizer/tokenizer.hpp"

#include <map>
#include <memory>
#include <span>
#include <string>

namespace llmctl::runtime {

class TextStreams : public engine::StopChecker {
 public:
  explicit TextStreams(const tok::Tokenizer& tokenizer) : tokenizer_(&tokenizer) {}

  // Starts following `request_id`. `context` are prompt ids the detokenizer
  // may look at (the last few), never emitted.
  void track(const std::string& request_id, const engine::SamplingParams& params,
             std::span<const engine::TokenId> context = {});
  bool tracks(const std::string& request_id) const { return streams_.count(request_id) != 0; }

  std::optional<std::string> check(const engine::Sequence& seq, engine::TokenId token, bool may_stop) override;

  // Text released since the last take (held-back stop-string prefixes excluded).
  std::string take(const std::string& request_id);
  // The request ended: the rest of its text (held-back text unless a stop
  // string ended it); stops following it.
  std::string finish(const std::string& request_id);
  void forget(const std::string& request_id) { streams_.erase(request_id); }

 private:
  struct Stream {
    std::unique_ptr<tok::IncrementalDetokenizer> detok;
    std::unique_ptr<engine::StopStringMatcher> matcher;  // null without stop strings
    std::string pending;                                 // released, not yet taken
  };
  const tok::Tokenizer* tokenizer_;
  std::map<std::string, Stream> streams_;
};

}  // namespace llmctl::runtime
