// The load generator: one thread, one event loop on libcurl's multi interface
// (curl_multi_socket_action over epoll), requests sent on absolute deadlines
// from the arrival schedule, each response's SSE stream parsed as it arrives
// and timestamped with steady_clock when its bytes are handed over.
#pragma once

#include "bench/request.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::bench {

enum class Endpoint { completions, chat_completions };
// "/v1/completions" | "/v1/chat/completions" (any path ending in those); usage Error otherwise.
Endpoint endpoint_kind(const std::string& path);

struct ClientConfig {
  std::string url;                  // base URL + endpoint path
  Endpoint endpoint = Endpoint::completions;
  std::string model;
  std::string api_key;              // Authorization: Bearer <key> when set
  std::int64_t max_concurrency = 0; // 0: unlimited
  bool ignore_eos = false;
  std::optional<double> temperature;  // unset: the server's default (vLLM's client sends none)
  double request_timeout_s = 6 * 3600.0;  // vLLM's aiohttp total timeout
};

// The JSON body of one request (vLLM's openai / openai-chat request functions).
std::string request_body(const ClientConfig& config, const SampleRequest& request);

struct LoadResult {
  std::vector<RequestResult> results;  // in the order of the requests
  double duration_s = 0.0;             // first due time -> last response finished
};

struct LoadCallbacks {
  std::function<void(std::size_t finished, std::size_t total)> progress;  // after each finished request
  const std::atomic<bool>* interrupted = nullptr;  // set: stop sending, abort in-flight, return
};

// Sends requests[i] at start + offsets_s[i] (offsets ascending; all 0 for an
// unlimited rate), at most max_concurrency at a time, and waits for all.
// Transport and HTTP failures become failed results, never exceptions.
LoadResult run_load(const ClientConfig& config, const std::vector<SampleRequest>& requests,
                    const std::vector<double>& offsets_s, const LoadCallbacks& callbacks = {});

}  // namespace llmctl::bench
