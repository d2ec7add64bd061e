#include "util/interrupt.hpp"

#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

TEST_CASE("SIGINT sets the flag instead of killing the process") {
  std::atomic<bool> interrupted{false};
  {
    const llmctl::InterruptWatcher watcher(interrupted);
    ::kill(::getpid(), SIGINT);
    for (int i = 0; i < 100 && !interrupted; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(interrupted.load());
  }
  // The watcher is gone and the mask restored: nothing pending is left to kill us.
  sigset_t pending;
  sigpending(&pending);
  CHECK(sigismember(&pending, SIGINT) == 0);
}

TEST_CASE("a watcher that saw no signal leaves the flag alone") {
  std::atomic<bool> interrupted{false};
  { const llmctl::InterruptWatcher watcher(interrupted); }
  CHECK_FALSE(interrupted.load());
}
