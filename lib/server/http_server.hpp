// The HTTP side of `llmctl serve` on cpp-httplib: a thread per open
// connection (a pool of ServeConfig::http_threads), the OpenAI routes, API
// key checks, OpenAI-shaped errors for everything the library itself
// rejects (413, unknown routes), and the access log.
//
// It listens before the model is loaded: /health answers 503 until
// set_ready() hands it the ServerContext, and generation routes do the same.
// begin_drain() makes new generation requests 503 while running ones go on;
// stop() closes the listening socket and returns once every connection
// thread is done.
#pragma once

#include "server/context.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace llmctl::server {

// What a handler reports for the access log.
struct HandlerInfo {
  bool streaming = false;  // the stream logs itself when it ends
  std::optional<std::int64_t> prompt_tokens, completion_tokens;
};

class HttpServer {
 public:
  HttpServer(const ServeConfig& config, Metrics& metrics, ServerLog& log);
  ~HttpServer();

  // Binds host:port (runtime Error naming the address when it cannot).
  void bind();
  // Serves until stop(); returns once every connection thread has finished.
  void listen();
  void set_ready(const ServerContext* context) { context_.store(context); }
  void begin_drain() { draining_ = true; }
  void stop();

  using Handler = std::function<void(const ServerContext&, const httplib::Request&, httplib::Response&, HandlerInfo&)>;

 private:
  void routes();
  void generation_route(const char* path, bool chat);
  // Auth, readiness, errors and the access line around a handler.
  void handle(const httplib::Request& req, httplib::Response& res, bool needs_model, const Handler& handler);
  void check_api_key(const httplib::Request& req) const;
  void log_access(const httplib::Request& req, int status, std::optional<double> seconds, const HandlerInfo& info);

  const ServeConfig& config_;
  Metrics& metrics_;
  ServerLog& log_;
  std::unique_ptr<httplib::Server> server_;
  std::atomic<const ServerContext*> context_{nullptr};
  std::atomic<bool> draining_{false};
};

// Whether `given` equals `expected`, in time that depends only on their
// lengths (no early exit at the first differing byte).
bool constant_time_equal(const std::string& given, const std::string& expected);

// The JSON bodies of the informational routes (unit-tested without HTTP).
Json models_json(const ServeConfig& config, const std::string& root, std::int64_t max_model_len, std::int64_t created);

}  // namespace llmctl::server
