#include "bench/client.hpp"

#include "bench/stream.hpp"
#include "util/error.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>

namespace llmctl::bench {

Endpoint endpoint_kind(const std::string& path) {
  const auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("/chat/completions")) return Endpoint::chat_completions;
  if (ends_with("/completions")) return Endpoint::completions;
  throw usage_error(fmt::format("unsupported endpoint '{}'", path),
                    "use --endpoint /v1/completions or /v1/chat/completions");
}

std::string request_body(const ClientConfig& config, const SampleRequest& request) {
  nlohmann::json body;
  body["model"] = config.model;
  if (config.endpoint == Endpoint::chat_completions) {
    body["messages"] = nlohmann::json::array({{{"role", "user"}, {"content", request.prompt}}});
    body["max_completion_tokens"] = request.expected_output_len;
  } else {
    body["prompt"] = request.prompt;
    body["max_tokens"] = request.expected_output_len;
  }
  if (config.temperature) body["temperature"] = *config.temperature;
  if (config.ignore_eos) body["ignore_eos"] = true;
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  return body.dump();
}

namespace {

using Clock = std::chrono::steady_clock;

struct Loop;

// One request in flight.
struct Transfer {
  Loop* loop = nullptr;
  std::size_t index = 0;
  CURL* easy = nullptr;
  std::string body;
  curl_slist* headers = nullptr;
  std::optional<StreamAccumulator> stream;
  std::string error_body;  // the body of a non-200 answer (first 2 KiB)
  long status = -1;        // -1: not read yet
  char curl_error[CURL_ERROR_SIZE] = {};
};

struct Loop {
  Clock::time_point t0;
  std::vector<RequestResult>* results = nullptr;
  CURLM* multi = nullptr;
  int epfd = -1;
  std::optional<Clock::time_point> curl_deadline;
  double now_s() const { return std::chrono::duration<double>(Clock::now() - t0).count(); }
};

int on_socket(CURL*, curl_socket_t s, int what, void* userp, void* socketp) {
  auto* loop = static_cast<Loop*>(userp);
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(loop->epfd, EPOLL_CTL_DEL, s, nullptr);  // may already be closed: ignore
    curl_multi_assign(loop->multi, s, nullptr);
    return 0;
  }
  epoll_event ev{};
  ev.data.fd = s;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) ev.events |= EPOLLIN;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) ev.events |= EPOLLOUT;
  if (socketp == nullptr) {
    epoll_ctl(loop->epfd, EPOLL_CTL_ADD, s, &ev);
    curl_multi_assign(loop->multi, s, loop);  // any non-null marks it as registered
  } else {
    epoll_ctl(loop->epfd, EPOLL_CTL_MOD, s, &ev);
  }
  return 0;
}

int on_timer(CURLM*, long timeout_ms, void* userp) {
  auto* loop = static_cast<Loop*>(userp);
  if (timeout_ms < 0) loop->curl_deadline.reset();
  else loop->curl_deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  return 0;
}

std::size_t on_write(char* data, std::size_t size, std::size_t nmemb, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  const std::size_t n = size * nmemb;
  const double now = t->loop->now_s();  // before any parsing: the arrival time of these bytes
  if (t->status < 0) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->status);
  if (t->status == 200) {
    t->stream->on_bytes(std::string_view(data, n), now);
  } else if (t->error_body.size() < 2048) {
    t->error_body.append(data, std::min(n, 2048 - t->error_body.size()));
  }
  return n;
}

class Runner {
 public:
  Runner(const ClientConfig& config, const std::vector<SampleRequest>& requests, const std::vector<double>& offsets,
         const LoadCallbacks& callbacks)
      : config_(config), requests_(requests), offsets_(offsets), callbacks_(callbacks) {
    result_.results.resize(requests.size());
    loop_.results = &result_.results;
    loop_.multi = curl_multi_init();
    loop_.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop_.multi == nullptr || loop_.epfd < 0) throw runtime_error("cannot set up the HTTP client loop");
    curl_multi_setopt(loop_.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(loop_.multi, CURLMOPT_SOCKETDATA, &loop_);
    curl_multi_setopt(loop_.multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(loop_.multi, CURLMOPT_TIMERDATA, &loop_);
    // Keep every connection for reuse: closing and reopening TCP would distort TTFT.
    const long keep = config.max_concurrency > 0 ? config.max_concurrency * 2 : 4096;
    curl_multi_setopt(loop_.multi, CURLMOPT_MAXCONNECTS, keep);
  }
  ~Runner() {
    for (auto& t : transfers_) {
      if (t && t->easy) {
        curl_multi_remove_handle(loop_.multi, t->easy);
        curl_easy_cleanup(t->easy);
        curl_slist_free_all(t->headers);
      }
    }
    for (CURL* e : idle_) curl_easy_cleanup(e);
    curl_multi_cleanup(loop_.multi);
    close(loop_.epfd);
  }

  LoadResult run() {
    const std::size_t n = requests_.size();
    transfers_.resize(n);
    loop_.t0 = Clock::now();
    std::size_t next = 0;
    std::deque<std::size_t> waiting;  // arrived, held back by --max-concurrency
    std::vector<epoll_event> events(256);
    while (finished_ < n) {
      if (callbacks_.interrupted != nullptr && callbacks_.interrupted->load()) {
        abort_all(next);
        break;
      }
      // Release every request whose deadline has passed; the lag is recorded.
      const double now = loop_.now_s();
      while (next < n && offsets_[next] <= now) {
        auto& r = result_.results[next];
        r.scheduled_s = offsets_[next];
        r.arrival_s = now;
        waiting.push_back(next++);
      }
      while (!waiting.empty() && (config_.max_concurrency <= 0 || active_ < config_.max_concurrency)) {
        start(waiting.front());
        waiting.pop_front();
      }
      if (loop_.curl_deadline && *loop_.curl_deadline <= Clock::now()) {
        loop_.curl_deadline.reset();
        int running = 0;
        curl_multi_socket_action(loop_.multi, CURL_SOCKET_TIMEOUT, 0, &running);
        drain();
        continue;
      }
      // Sleep until the next arrival, curl's timer or socket activity.
      std::optional<Clock::time_point> wake = loop_.curl_deadline;
      if (next < n) {
        const auto due = loop_.t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(offsets_[next]));
        if (!wake || due < *wake) wake = due;
      }
      const int ready = wait(events, wake);
      for (int i = 0; i < ready; ++i) {
        int flags = 0;
        if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
        int running = 0;
        curl_multi_socket_action(loop_.multi, events[i].data.fd, flags, &running);
      }
      drain();
    }
    result_.duration_s = loop_.now_s();
    return std::move(result_);
  }

 private:
  int wait(std::vector<epoll_event>& events, const std::optional<Clock::time_point>& wake) {
    // epoll_pwait2 takes a nanosecond timeout: arrivals 0.5 ms apart at 2,000 req/s
    // cannot be scheduled with epoll_wait's milliseconds. Older kernels fall back.
    if (!wake) return epoll_wait(loop_.epfd, events.data(), static_cast<int>(events.size()), 100);
    const auto left = std::max(Clock::duration::zero(), *wake - Clock::now());
    if (!pwait2_missing_) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      timespec ts{};
      ts.tv_sec = static_cast<time_t>(ns / 1000000000);
      ts.tv_nsec = static_cast<long>(ns % 1000000000);
      const int rc = epoll_pwait2(loop_.epfd, events.data(), static_cast<int>(events.size()), &ts, nullptr);
      if (rc >= 0 || errno != ENOSYS) return std::max(rc, 0);
      pwait2_missing_ = true;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
    return std::max(0, epoll_wait(loop_.epfd, events.data(), static_cast<int>(events.size()), static_cast<int>(ms)));
  }

  void start(std::size_t i) {
    auto t = std::make_unique<Transfer>();
    t->loop = &loop_;
    t->index = i;
    auto& r = result_.results[i];
    r.prompt_len = requests_[i].prompt_len;
    r.prompt_source = requests_[i].prompt_len > 0 ? TokenSource::tokenizer : TokenSource::none;
    t->stream.emplace(r);
    t->body = request_body(config_, requests_[i]);
    t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
    t->headers = curl_slist_append(t->headers, "Accept: text/event-stream");
    if (!config_.api_key.empty())
      t->headers = curl_slist_append(t->headers, ("Authorization: Bearer " + config_.api_key).c_str());
    if (idle_.empty()) {
      t->easy = curl_easy_init();
    } else {
      t->easy = idle_.back();
      idle_.pop_back();
      curl_easy_reset(t->easy);
    }
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->body.size()));
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->curl_error);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.request_timeout_s * 1000));
    curl_easy_setopt(e, CURLOPT_USERAGENT, "llmctl-bench");
    r.start_s = loop_.now_s();
    curl_multi_add_handle(loop_.multi, e);
    transfers_[i] = std::move(t);
    ++active_;
  }

  void drain() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(loop_.multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      complete(*t, msg->data.result);
    }
  }

  void complete(Transfer& t, CURLcode code) {
    auto& r = result_.results[t.index];
    const double now = loop_.now_s();
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.http_status);
    if (code != CURLE_OK) {
      r.error = t.curl_error[0] != '\0' ? std::string(t.curl_error) : std::string(curl_easy_strerror(code));
    } else if (r.http_status != 200) {
      r.error = fmt::format("HTTP {}: {}", r.http_status, t.error_body);
    } else if (t.stream->finish(now)) {
      r.success = true;
      if (t.stream->usage_completion_tokens) {
        r.output_tokens = *t.stream->usage_completion_tokens;
        r.output_source = TokenSource::usage;
      }
      if (t.stream->usage_prompt_tokens) {
        r.prompt_len = *t.stream->usage_prompt_tokens;
        r.prompt_source = TokenSource::usage;
      }
    }
    curl_multi_remove_handle(loop_.multi, t.easy);
    idle_.push_back(t.easy);
    curl_slist_free_all(t.headers);
    const std::size_t index = t.index;
    transfers_[index].reset();  // t is dangling from here
    --active_;
    ++finished_;
    if (callbacks_.progress) callbacks_.progress(finished_, requests_.size());
  }

  void abort_all(std::size_t next) {
    for (auto& t : transfers_) {
      if (!t) continue;
      result_.results[t->index].error = "interrupted";
      curl_multi_remove_handle(loop_.multi, t->easy);
      idle_.push_back(t->easy);
      curl_slist_free_all(t->headers);
      t.reset();
    }
    (void)next;
    for (auto& r : result_.results)
      if (!r.success && r.error.empty()) r.error = "not sent (interrupted)";
  }

  const ClientConfig& config_;
  const std::vector<SampleRequest>& requests_;
  const std::vector<double>& offsets_;
  const LoadCallbacks& callbacks_;
  Loop loop_;
  LoadResult result_;
  std::vector<std::unique_ptr<Transfer>> transfers_;
  std::vector<CURL*> idle_;
  std::int64_t active_ = 0;
  std::size_t finished_ = 0;
  bool pwait2_missing_ = false;
};

}  // namespace

LoadResult run_load(const ClientConfig& config, const std::vector<SampleRequest>& requests,
                    const std::vector<double>& offsets_s, const LoadCallbacks& callbacks) {
  if (offsets_s.size() != requests.size()) throw std::invalid_argument("run_load: one offset per request");
  if (requests.empty()) return {};
  Runner runner(config, requests, offsets_s, callbacks);
  return runner.run();
}

}  // namespace llmctl::bench
