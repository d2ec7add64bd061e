// One generation request on its HTTP thread: prompts rendered (chat
// template) and encoded, checked against the context, sampling params made;
// its n x prompts sequences submitted to the engine thread; their tokens
// gathered into choices (text, logprobs, reasoning split) and answered as a
// whole response or as an SSE stream. Destroying it aborts what still runs,
// so a handler that leaves for any reason (client gone, write failed,
// exception) frees the KV blocks.
#pragma once

#include "server/context.hpp"
#include "server/encode.hpp"
#include "server/engine_loop.hpp"
#include "server/protocol.hpp"
#include "text/reasoning.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::server {

class Generation {
 public:
  Generation(const ServerContext& ctx, GenerateRequest request);
  ~Generation();
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  // Prepares every prompt and submits the sequences. ApiError (400) for a
  // prompt the model cannot take; nothing is submitted then.
  void submit();

  using Disconnected = std::function<bool()>;
  // Waits for every choice; nullopt when the client went away (sequences aborted).
  std::optional<Json> collect(const Disconnected& disconnected);
  // Writes the SSE events through `write` until [DONE]; a false from `write`
  // or a disconnect aborts the sequences.
  void stream(const std::function<bool(std::string_view)>& write, const Disconnected& disconnected);

  const GenerateRequest& request() const { return request_; }
  Usage usage() const;
  const std::string& id() const { return id_; }

 private:
  struct Choice {
    std::size_t prompt = 0;
    std::string text;
    std::vector<engine::TokenId> tokens;
    std::vector<engine::TokenLogprobs> logprobs;
    engine::FinishReason finish = engine::FinishReason::none;
    Json stop_reason;
    std::string error;
    std::optional<ReasoningStream> reasoning;  // streaming chat with a reasoning parser
    bool done = false;
  };

  void prepare_prompts();
  // Waits for events; false when the client is gone (then everything is aborted).
  bool wait(std::vector<TokenEvent>& events, const Disconnected& disconnected);
  void apply(const TokenEvent& event);
  bool all_done() const;
  void abort_running();
  std::string token_text(engine::TokenId id) const;
  Json response_json() const;
  std::vector<std::string> chunks_for(const TokenEvent& event, Choice& choice);

  const ServerContext& ctx_;
  GenerateRequest request_;
  std::string id_;
  std::int64_t created_ = 0;
  double arrival_ = 0.0;
  bool thinking_enabled_ = true;
  std::vector<std::vector<engine::TokenId>> prompt_ids_;
  std::vector<std::string> prompt_texts_;  // for echo
  std::vector<Choice> choices_;
  std::vector<std::string> sequence_ids_;
  std::shared_ptr<RequestChannel> channel_;
  bool submitted_ = false;
};

// "chatcmpl-" / "cmpl-" + 32 random hex digits, as vLLM's ids.
std::string make_request_id(const char* prefix);

}  // namespace llmctl::server
