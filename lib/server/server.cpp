#include "server/server.hpp"

#include "server/engine_loop.hpp"
#include "server/http_server.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "util/interrupt.hpp"

#include <fmt/format.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

namespace llmctl::server {

namespace {

// 1234567 -> "1,234,567", as vLLM prints token counts.
std::string thousands(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

int serve(ServeOptions options) {
  ServeConfig& config = options.config;
  if (config.served_model_names.empty()) config.served_model_names.push_back(options.session.model);
  if (config.http_threads == 0)
    config.http_threads = static_cast<std::size_t>(options.session.max_num_seqs) + 64;

  // Before any thread starts, so they all inherit the blocked SIGINT/SIGTERM.
  std::atomic<bool> interrupted{false};
  const InterruptWatcher watcher(interrupted);
  signal(SIGPIPE, SIG_IGN);  // a client that vanished mid-write is an error return, not death

  ServerLog log;
  log.uvicorn(fmt::format("Started server process [{}]", ::getpid()));
  log.uvicorn("Waiting for application startup.");
  Metrics metrics(config.model_name());
  HttpServer http(config, metrics, log);
  http.bind();
  std::thread listener([&http] { http.listen(); });
  const auto stop_listener = [&] {
    http.stop();
    if (listener.joinable()) listener.join();
  };

  std::unique_ptr<runtime::ModelSession> session;
  try {
    log.info(fmt::format("non-default args: model={}, served_model_name={}, max_num_seqs={}", options.session.model,
                         config.model_name(), options.session.max_num_seqs));
    session = std::make_unique<runtime::ModelSession>(
        runtime::open_session(options.session, [&log](const std::string& line) { log.info(line); }));
  } catch (...) {
    stop_listener();
    throw;
  }
  log.info(fmt::format("{} KV cache size: {} tokens", session->memory.device == "cpu" ? "CPU" : "GPU",
                       thousands(session->memory.kv_cache_tokens())));

  {
    EngineLoop engine(session->make_engine(config.engine_seed), session->tokenizer, metrics);
    const ServerContext context{*session, engine, metrics, config};
    http.set_ready(&context);
    log.info(fmt::format("Starting llmctl API server on http://{}:{}", config.host, config.port));
    log.uvicorn("Application startup complete.");
    log.uvicorn(fmt::format("Uvicorn running on http://{}:{} (Press CTRL+C to quit)", config.host, config.port));

    while (!interrupted) sleep_ms(50);

    // Drain: no new connections or generation requests; running ones finish.
    log.uvicorn("Shutting down");
    http.begin_drain();
    std::thread stopper([&] { stop_listener(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(config.drain_seconds);
    if (engine.active() > 0)
      log.info(fmt::format("Waiting up to {:.0f} s for {} running requests to finish", config.drain_seconds,
                           engine.active()));
    while (engine.active() > 0 && std::chrono::steady_clock::now() < deadline) sleep_ms(20);
    if (engine.active() > 0) {
      log.warning(fmt::format("Aborting {} requests still running after the {:.0f} s grace period", engine.active(),
                              config.drain_seconds));
      engine.abort_all();
    }
    log.uvicorn("Waiting for application shutdown.");
    stopper.join();  // every connection thread has answered and left
    http.set_ready(nullptr);
    engine.stop();
  }
  log.uvicorn("Application shutdown complete.");
  log.uvicorn(fmt::format("Finished server process [{}]", ::getpid()));
  return 0;
}

}  // namespace llmctl::server
