// Ctrl-C as a cancellation request instead of sudden death, for commands
// that must clean up (a download leaves only its .incomplete file) and then
// exit with code 130. SIGINT and SIGTERM are blocked in the threads the
// command starts, and one watcher thread sigwait()s for them and sets the
// flag the command passed in; a handler forwards the signal to the watcher
// when it lands on a thread that existed before (a library's thread pool).
#pragma once

#include <signal.h>

#include <atomic>
#include <thread>

namespace llmctl {

class InterruptWatcher {
 public:
  // Must be created before the threads that should not receive the signals
  // (they inherit the blocked mask). Restores the previous mask when destroyed.
  explicit InterruptWatcher(std::atomic<bool>& interrupted);
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

 private:
  std::atomic<bool>& interrupted_;
  sigset_t previous_mask_;
  struct sigaction previous_int_ {};
  struct sigaction previous_term_ {};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace llmctl
