// Download progress on stderr: on a terminal, one bar redrawn in place (bytes,
// rate, ETA, files); otherwise a plain line every few seconds, which reads
// well in CI logs. Counters are atomic: download threads report freely.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace llmctl::hub {

struct ProgressSnapshot {
  std::uint64_t done = 0;      // bytes present, including resumed ones
  std::uint64_t total = 0;
  std::uint64_t received = 0;  // bytes received in this run (the rate's numerator)
  double elapsed_s = 0;
  std::size_t files_done = 0;
  std::size_t files_total = 0;
};

// "[=======>      ]  45%  1.20 GiB / 2.50 GiB  110.3 MiB/s  ETA 0:12  3/8 files", fitted to `width`.
std::string progress_bar_line(const ProgressSnapshot& s, std::size_t width);
// "pull: 45% 1.20 GiB / 2.50 GiB, 110.3 MiB/s, ETA 0:12, 3/8 files"
std::string progress_plain_line(const ProgressSnapshot& s);
// 0:07, 12:34, 1:02:03; "--:--" when unknown.
std::string format_eta(double seconds);
// "110.3 MiB/s"
std::string format_rate(double bytes_per_second);

class Progress {
 public:
  // Draws on `out` (nullptr: silent) from its own thread until stop().
  Progress(std::FILE* out, bool tty, std::uint64_t total_bytes, std::size_t total_files);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void add_received(std::int64_t delta);  // may be negative: a restarted file
  void add_resumed(std::uint64_t bytes);
  void file_done();
  // Prints a line above the bar (a notice from a download thread).
  void log(const std::string& line);
  // Stops drawing and clears the bar; idempotent.
  void stop();

  ProgressSnapshot snapshot() const;

 private:
  void run();
  void draw(bool final);

  std::FILE* out_;
  bool tty_;
  std::uint64_t total_;
  std::size_t files_total_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::atomic<std::int64_t> done_{0};
  std::atomic<std::int64_t> received_{0};
  std::atomic<std::size_t> files_done_{0};
  std::mutex mutex_;  // serialises drawing and logging
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace llmctl::hub
