// llmctl_mockserver: the mock OpenAI server as a process, for the end-to-end
// tests and bench/bench-client-capacity. Prints "listening on <port>" and
// serves until SIGINT/SIGTERM.
#include "mock_server.hpp"

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  llmctl::mock::MockConfig config;
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "mockserver: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--port") port = std::stoi(next());
    else if (a == "--ttft-ms") config.ttft_ms = std::stod(next());
    else if (a == "--itl-ms") config.itl_ms = std::stod(next());
    else if (a == "--tokens-per-chunk") config.tokens_per_chunk = std::stoll(next());
    else if (a == "--default-tokens") config.default_tokens = std::stoll(next());
    else if (a == "--fail-every") config.fail_every = std::stoll(next());
    else if (a == "--drop-every") config.drop_every = std::stoll(next());
    else if (a == "--no-usage") config.usage = false;
    else if (a == "--no-role-chunk") config.role_chunk = false;
    else if (a == "--empty-first-chunk") config.empty_first_chunk = true;
    else if (a == "--reasoning") config.reasoning = true;
    else {
      std::fprintf(stderr, "mockserver: unknown option %s\n", a.c_str());
      return 2;
    }
  }
  // SIGINT/SIGTERM are blocked and taken by a sigwait thread that sets the stop flag.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::atomic<bool> stop{false};
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&set, &sig);
    stop = true;
  });
  watcher.detach();
  llmctl::mock::MockServer server(config, port);
  std::printf("listening on %d\n", server.port());
  std::fflush(stdout);
  server.run(stop);
  return 0;
}
