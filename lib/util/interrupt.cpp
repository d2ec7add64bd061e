#include "util/interrupt.hpp"

#include <pthread.h>
#include <signal.h>

namespace llmctl {

namespace {

// SIGUSR2 only wakes the watcher up when the command is done.
sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);
  return set;
}

}  // namespace

InterruptWatcher::InterruptWatcher(std::atomic<bool>& interrupted) : interrupted_(interrupted) {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
  thread_ = std::thread([this] {
    const sigset_t signals = watched_signals();
    while (!stopping_) {
      int signal = 0;
      if (sigwait(&signals, &signal) != 0) continue;
      if (signal == SIGINT || signal == SIGTERM) interrupted_ = true;
    }
  });
}

InterruptWatcher::~InterruptWatcher() {
  stopping_ = true;
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
  // A Ctrl-C that came after the work ended is consumed here rather than
  // killing the process on unblocking: the command already finished.
  sigset_t pending;
  sigpending(&pending);
  for (const int sig : {SIGINT, SIGTERM, SIGUSR2}) {
    if (sigismember(&pending, sig) == 1) {
      sigset_t one;
      sigemptyset(&one);
      sigaddset(&one, sig);
      int got = 0;
      sigwait(&one, &got);
      if (sig != SIGUSR2) interrupted_ = true;
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace llmctl
