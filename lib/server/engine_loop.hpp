// The one thread that owns the Engine (engine.hpp: not thread-safe) and runs
// its step loop, and the queues through which HTTP threads reach it.
//
//   HTTP thread                          engine thread
//   submit(seqs, channel) ──queue──▶     add() each, then step() while work is left
//   abort(ids)            ──queue──▶     abort(): KV blocks freed before the next step
//   channel->wait(...)    ◀──push──      per token: id, logprobs, text delta, finish
//
// Text is made on the engine thread (runtime::TextStreams: incremental
// detokenizer + stop strings), because a stop string must end the sequence
// in the step that completes it. The loop sleeps on a condition variable
// when there is nothing to do, so an idle server costs no CPU.
#pragma once

#include "engine/engine.hpp"
#include "engine/sampling_params.hpp"
#include "engine/types.hpp"
#include "runtime/text_stream.hpp"
#include "server/metrics.hpp"
#include "text/tokenizer/tokenizer.hpp"
#include "util/output.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace llmctl::server {

// One engine output for one sequence (one choice of a request).
struct TokenEvent {
  std::size_t index = 0;  // the choice
  bool has_token = true;  // false for an abort or error before any new token
  engine::TokenId token = 0;
  std::optional<engine::TokenLogprobs> logprobs;
  std::string text;       // text released with this token (may be empty)
  engine::FinishReason finish = engine::FinishReason::none;
  Json stop_reason;       // vLLM's stop_reason: null, the stop token id or the stop string
  std::string error;      // the engine could not run this sequence
};

// Per-request mailbox: the engine thread pushes, the request's thread waits.
class RequestChannel {
 public:
  void push(TokenEvent event);
  // Appends every queued event to `out`, waiting up to `timeout` for the first.
  void wait(std::vector<TokenEvent>& out, std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<TokenEvent> events_;
};

struct SequenceSubmission {
  std::string id;  // unique across the server
  std::size_t index = 0;
  std::vector<engine::TokenId> prompt;
  engine::SamplingParams params;  // final (EOS set, validated)
};

// Seconds on the steady clock: arrival and token times for the metrics.
double monotonic_seconds();

class EngineLoop {
 public:
  // `tokenizer` may be null (no text, token ids only).
  EngineLoop(std::unique_ptr<engine::Engine> engine, std::shared_ptr<const tok::Tokenizer> tokenizer,
             Metrics& metrics);
  ~EngineLoop();  // stop()
  EngineLoop(const EngineLoop&) = delete;
  EngineLoop& operator=(const EngineLoop&) = delete;

  void submit(std::vector<SequenceSubmission> sequences, std::shared_ptr<RequestChannel> channel, double arrival);
  void abort(std::vector<std::string> ids);
  // Ends every sequence (shutdown grace period over): each channel gets an abort.
  void abort_all();
  // Finishes the thread; sequences still running are aborted.
  void stop();

  LoadSnapshot load() const;
  // Sequences submitted and not finished (queued for add included).
  std::int64_t active() const { return active_count_.load(); }

 private:
  struct Active {
    std::shared_ptr<RequestChannel> channel;
    std::size_t index = 0;
    double arrival = 0.0;
    double last_token = -1.0;  // < 0: no token yet
    bool scheduled = false;
    std::int64_t prompt_tokens = 0;
  };
  struct PendingAdd {
    std::vector<SequenceSubmission> sequences;
    std::shared_ptr<RequestChannel> channel;
    double arrival = 0.0;
  };

  void run();
  void add_pending(std::vector<PendingAdd>& adds);
  void abort_ids(const std::vector<std::string>& ids, bool everything);
  void step();
  void fail_everything(const std::string& message);
  void finish(const std::string& id, Active& active, engine::FinishReason reason, double now);
  void publish_load();

  std::unique_ptr<engine::Engine> engine_;
  std::shared_ptr<const tok::Tokenizer> tokenizer_;
  std::unique_ptr<runtime::TextStreams> texts_;
  Metrics& metrics_;
  std::unordered_map<std::string, Active> active_;  // engine thread only
  std::int64_t preemptions_seen_ = 0;

  mutable std::mutex mutex_;  // guards the queues below
  std::condition_variable wake_;
  std::vector<PendingAdd> adds_;
  std::vector<std::string> aborts_;
  bool abort_all_ = false;
  bool stop_ = false;

  std::atomic<std::int64_t> active_count_{0};
  std::atomic<std::int64_t> running_{0};
  std::atomic<std::int64_t> waiting_{0};
  std::atomic<double> kv_usage_{0.0};
  std::thread thread_;
};

}  // namespace llmctl::server
