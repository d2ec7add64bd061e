// A mock OpenAI completions server with programmed timing and faults, for the
// `llmctl bench serve` tests and the client-capacity benchmark. One thread, one
// epoll loop, HTTP/1.1 keep-alive, responses streamed as SSE in chunked
// transfer encoding with every event sent on an absolute deadline:
//   event k (k = 0, 1, ...) carrying text is due at received + ttft + k * itl.
// So the client should measure TTFT = ttft, ITL = itl, E2EL = ttft + (chunks-1)*itl.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace llmctl::mock {

struct MockConfig {
  double ttft_ms = 0.0;              // request received -> first text chunk
  double itl_ms = 0.0;               // between text chunks
  std::int64_t tokens_per_chunk = 1; // tokens each text chunk carries (" tok" each)
  std::int64_t default_tokens = 16;  // output tokens when the request names none
  bool role_chunk = true;            // a role-only first chunk (chat), sent at once
  bool empty_first_chunk = false;    // an empty-text chunk right away (completions)
  bool usage = true;                 // honour stream_options.include_usage
  std::int64_t fail_every = 0;       // every Nth request answers HTTP 500
  std::int64_t drop_every = 0;       // every Nth request: connection closed after its first text chunk
  bool reasoning = false;            // chat: the first half of the tokens as delta.reasoning_content
};

class MockServer {
 public:
  // Binds 127.0.0.1:port (0: any free port).
  MockServer(const MockConfig& config, int port = 0);
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  int port() const { return port_; }
  // Serves until `stop` becomes true (checked at least every 50 ms).
  void run(const std::atomic<bool>& stop);
  std::int64_t requests_seen() const { return requests_.load(); }

 private:
  struct Impl;
  Impl* impl_;
  int port_ = 0;
  std::atomic<std::int64_t> requests_{0};
};

}  // namespace llmctl::mock
