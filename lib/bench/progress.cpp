#include "bench/progress.hpp"

#include <fmt/format.h>

namespace llmctl::bench {

ProgressBar::ProgressBar(std::string label, std::size_t total, bool enabled, std::FILE* out)
    : label_(std::move(label)), total_(total), enabled_(enabled && total > 0), out_(out),
      started_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(std::size_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(done);
}

void ProgressBar::draw(std::size_t done) {
  constexpr std::size_t width = 30;
  const std::size_t filled = total_ == 0 ? width : done * width / total_;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  fmt::print(out_, "\r{} [{}{}] {}/{} {:.1f}s {:.1f} req/s\033[K", label_, std::string(filled, '#'),
             std::string(width - filled, '.'), done, total_, elapsed, rate);
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  fmt::print(out_, "\r\033[K");
  std::fflush(out_);
}

}  // namespace llmctl::bench
