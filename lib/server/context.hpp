// What every request handler reaches: the opened model, the engine thread,
// the metrics, and the server's settings. Built once by the server and
// passed by reference (no globals).
#pragma once

#include "runtime/session.hpp"
#include "server/engine_loop.hpp"
#include "server/metrics.hpp"
#include "util/output.hpp"  // Json

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::server {

struct ServeConfig {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::vector<std::string> served_model_names;  // the first one is reported in responses
  std::string api_key;                           // empty: no authentication
  std::string reasoning_parser;                  // "" or "qwen3"
  Json default_chat_template_kwargs = Json::object();
  // Bodies above this are answered 413: the longest real prompt (a 128k
  // context of ~4-byte tokens, JSON-escaped) stays well below it.
  std::size_t max_body_bytes = 8u << 20;
  double drain_seconds = 30.0;                   // SIGTERM: running requests get this long to finish
  std::optional<std::uint64_t> engine_seed;       // sampling keys of requests without a seed
  std::size_t http_threads = 0;                  // 0: max_num_seqs + 64 (one per open connection)

  const std::string& model_name() const { return served_model_names.front(); }
  bool serves(const std::string& name) const;
};

struct ServerContext {
  const runtime::ModelSession& session;
  EngineLoop& engine;
  Metrics& metrics;
  const ServeConfig& config;
};

}  // namespace llmctl::server
