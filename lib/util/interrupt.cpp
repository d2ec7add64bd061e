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

// Threads that existed before the watcher (the BLAS thread pool is created
// when libopenblas loads, before main) do not block SIGINT/SIGTERM, and the
// kernel may deliver a process-wide signal to one of them. While a watcher
// lives, this handler forwards such a signal to the watcher thread, which
// blocks it and sigwait()s for it. Signal handlers can reach no object, so the
// watcher's thread id is the one piece of process-wide state here.
std::atomic<pthread_t> forward_target{};

extern "C" void forward_to_watcher(int sig) { pthread_kill(forward_target.load(), sig); }

void set_handlers(void (*handler)(int), struct sigaction* previous_int, struct sigaction* previous_term) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, previous_int);
  sigaction(SIGTERM, &action, previous_term);
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
  forward_target = thread_.native_handle();
  set_handlers(forward_to_watcher, &previous_int_, &previous_term_);
}

InterruptWatcher::~InterruptWatcher() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
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
