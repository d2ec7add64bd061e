// A one-line progress bar on a terminal (stderr), redrawn at most 10 times a
// second so it never costs the load generator measurable time.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace llmctl::bench {

class ProgressBar {
 public:
  // Draws nothing unless `enabled` (the caller decides: stderr is a TTY).
  ProgressBar(std::string label, std::size_t total, bool enabled, std::FILE* out = stderr);
  void update(std::size_t done);
  void finish();  // clears the line

 private:
  void draw(std::size_t done);
  std::string label_;
  std::size_t total_;
  bool enabled_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point started_, last_draw_{};
  bool drawn_ = false;
};

}  // namespace llmctl::bench
