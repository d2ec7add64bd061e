#include "server/engine_loop.hpp"

#include "engine/sequence.hpp"
#include "server/encode.hpp"

#include <algorithm>
#include <exception>

namespace llmctl::server {

double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void RequestChannel::push(TokenEvent event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  ready_.notify_one();
}

void RequestChannel::wait(std::vector<TokenEvent>& out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, timeout, [&] { return !events_.empty(); });
  for (TokenEvent& e : events_) out.push_back(std::move(e));
  events_.clear();
}

EngineLoop::EngineLoop(std::unique_ptr<engine::Engine> engine, std::shared_ptr<const tok::Tokenizer> tokenizer,
                       Metrics& metrics)
    : engine_(std::move(engine)), tokenizer_(std::move(tokenizer)), metrics_(metrics) {
  if (tokenizer_) texts_ = std::make_unique<runtime::TextStreams>(*tokenizer_);
  thread_ = std::thread([this] { run(); });
}

EngineLoop::~EngineLoop() { stop(); }

void EngineLoop::submit(std::vector<SequenceSubmission> sequences, std::shared_ptr<RequestChannel> channel,
                        double arrival) {
  active_count_ += static_cast<std::int64_t>(sequences.size());
  {
    std::lock_guard lock(mutex_);
    adds_.push_back(PendingAdd{std::move(sequences), std::move(channel), arrival});
  }
  wake_.notify_one();
}

void EngineLoop::abort(std::vector<std::string> ids) {
  {
    std::lock_guard lock(mutex_);
    for (std::string& id : ids) aborts_.push_back(std::move(id));
  }
  wake_.notify_one();
}

void EngineLoop::abort_all() {
  {
    std::lock_guard lock(mutex_);
    abort_all_ = true;
  }
  wake_.notify_one();
}

void EngineLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

LoadSnapshot EngineLoop::load() const {
  LoadSnapshot s;
  s.running = running_.load();
  s.waiting = waiting_.load();
  s.kv_cache_usage = kv_usage_.load();
  std::lock_guard lock(mutex_);
  for (const PendingAdd& add : adds_) s.waiting += static_cast<std::int64_t>(add.sequences.size());
  return s;
}

void EngineLoop::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] {
      return stop_ || abort_all_ || !adds_.empty() || !aborts_.empty() || engine_->has_unfinished();
    });
    std::vector<PendingAdd> adds = std::move(adds_);
    adds_.clear();
    std::vector<std::string> aborts = std::move(aborts_);
    aborts_.clear();
    const bool everything = abort_all_ || stop_;
    abort_all_ = false;
    const bool stopping = stop_;
    lock.unlock();

    // Aborts first: a client that left frees its blocks before anything else runs.
    add_pending(adds);
    abort_ids(aborts, everything);
    if (!stopping && engine_->has_unfinished()) step();
    publish_load();

    lock.lock();
    if (stopping) break;
  }
}

void EngineLoop::add_pending(std::vector<PendingAdd>& adds) {
  for (PendingAdd& add : adds) {
    for (SequenceSubmission& s : add.sequences) {
      Active a;
      a.channel = add.channel;
      a.index = s.index;
      a.arrival = add.arrival;
      a.prompt_tokens = static_cast<std::int64_t>(s.prompt.size());
      try {
        if (texts_) {
          // The detokenizer looks at a few prompt ids so the first output
          // token decodes as it would inside the whole text (leading spaces).
          const std::size_t context = std::min<std::size_t>(s.prompt.size(), 4);
          texts_->track(s.id, s.params, std::span<const engine::TokenId>(s.prompt).last(context));
        }
        engine_->add(s.id, std::move(s.prompt), std::move(s.params));
        active_.emplace(s.id, std::move(a));
      } catch (const std::exception& e) {
        if (texts_) texts_->forget(s.id);
        TokenEvent event;
        event.index = s.index;
        event.has_token = false;
        event.finish = engine::FinishReason::abort;
        event.error = e.what();
        add.channel->push(std::move(event));
        --active_count_;
      }
    }
  }
}

void EngineLoop::finish(const std::string& id, Active& active, engine::FinishReason reason, double now) {
  metrics_.request_finished(finish_reason_name(reason), now - active.arrival);
  (void)id;
  --active_count_;
}

void EngineLoop::abort_ids(const std::vector<std::string>& ids, bool everything) {
  std::vector<std::string> targets = ids;
  if (everything)
    for (const auto& [id, a] : active_) targets.push_back(id);
  const double now = monotonic_seconds();
  for (const std::string& id : targets) {
    auto it = active_.find(id);
    if (it == active_.end()) continue;  // already finished
    engine_->abort(id);
    if (texts_) texts_->forget(id);
    TokenEvent event;
    event.index = it->second.index;
    event.has_token = false;
    event.finish = engine::FinishReason::abort;
    it->second.channel->push(std::move(event));
    finish(id, it->second, engine::FinishReason::abort, now);
    active_.erase(it);
  }
}

void EngineLoop::step() {
  const double started = monotonic_seconds();
  std::vector<engine::SequenceUpdate> updates;
  try {
    updates = engine_->step(texts_.get());
  } catch (const std::exception& e) {
    fail_everything(std::string("the engine failed: ") + e.what());
    return;
  }
  // Before any client hears of its end: a scrape after [DONE] sees the freed blocks.
  publish_load();
  const double now = monotonic_seconds();
  std::int64_t generated = 0;
  for (engine::SequenceUpdate& u : updates) {
    auto it = active_.find(u.request_id);
    if (it == active_.end()) continue;
    Active& a = it->second;
    ++generated;
    if (a.last_token < 0) {
      metrics_.observe_ttft(now - a.arrival);
      metrics_.add_prompt_tokens(a.prompt_tokens);
      if (!a.scheduled) metrics_.observe_queue_time(started - a.arrival);
      a.scheduled = true;
    } else {
      metrics_.observe_inter_token(now - a.last_token);
    }
    a.last_token = now;
    TokenEvent event;
    event.index = a.index;
    event.token = u.token;
    event.logprobs = std::move(u.logprobs);
    event.finish = u.finish_reason;
    event.stop_reason = stop_reason_json(u.stop_reason);
    if (texts_) event.text = u.finish_reason == engine::FinishReason::none ? texts_->take(u.request_id)
                                                                          : texts_->finish(u.request_id);
    a.channel->push(std::move(event));
    if (u.finish_reason != engine::FinishReason::none) {
      finish(u.request_id, a, u.finish_reason, now);
      active_.erase(it);
    }
  }
  metrics_.add_generation_tokens(generated);
  // Queue time ends when the scheduler admits a sequence, which can be a
  // step before its first token (a prefill split in chunks).
  for (auto& [id, a] : active_) {
    if (a.scheduled) continue;
    const engine::Sequence* seq = engine_->scheduler().find(id);
    if (seq != nullptr && seq->status() != engine::SequenceStatus::waiting) {
      metrics_.observe_queue_time(started - a.arrival);
      a.scheduled = true;
    }
  }
  const std::int64_t preemptions = engine_->stats().preemptions;
  if (preemptions > preemptions_seen_) metrics_.add_preemptions(preemptions - preemptions_seen_);
  preemptions_seen_ = preemptions;
}

void EngineLoop::fail_everything(const std::string& message) {
  const double now = monotonic_seconds();
  for (auto& [id, a] : active_) {
    engine_->abort(id);
    if (texts_) texts_->forget(id);
    TokenEvent event;
    event.index = a.index;
    event.has_token = false;
    event.finish = engine::FinishReason::abort;
    event.error = message;
    a.channel->push(std::move(event));
    finish(id, a, engine::FinishReason::abort, now);
  }
  active_.clear();
}

void EngineLoop::publish_load() {
  const engine::Scheduler& s = engine_->scheduler();
  running_ = static_cast<std::int64_t>(s.num_running());
  waiting_ = static_cast<std::int64_t>(s.num_waiting());
  kv_usage_ = s.block_manager().usage();
}

}  // namespace llmctl::server
