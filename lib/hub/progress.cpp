#include "hub/progress.hpp"

#include "util/units.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace llmctl::hub {

namespace {

constexpr auto kTtyInterval = std::chrono::milliseconds(200);
constexpr auto kPlainInterval = std::chrono::seconds(5);

double rate_of(const ProgressSnapshot& s) { return s.elapsed_s > 0.05 ? s.received / s.elapsed_s : 0.0; }

double eta_of(const ProgressSnapshot& s) {
  const double rate = rate_of(s);
  if (rate <= 0 || s.done >= s.total) return s.done >= s.total ? 0.0 : -1.0;
  return static_cast<double>(s.total - s.done) / rate;
}

int percent_of(const ProgressSnapshot& s) {
  if (s.total == 0) return 100;
  return static_cast<int>(std::min<std::uint64_t>(100, s.done * 100 / s.total));
}

std::size_t terminal_width(std::FILE* out) {
  winsize ws{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

std::string format_eta(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "--:--";
  const auto total = static_cast<long>(seconds + 0.5);
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

std::string format_rate(double bytes_per_second) {
  if (bytes_per_second >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB/s", bytes_per_second / (1 << 30));
  if (bytes_per_second >= 1024.0 * 1024) return fmt::format("{:.1f} MiB/s", bytes_per_second / (1 << 20));
  return fmt::format("{:.1f} KiB/s", bytes_per_second / 1024);
}

std::string progress_plain_line(const ProgressSnapshot& s) {
  return fmt::format("pull: {}% {} / {}, {}, ETA {}, {}/{} files", percent_of(s), format_bytes(s.done),
                     format_bytes(s.total), format_rate(rate_of(s)), format_eta(eta_of(s)), s.files_done,
                     s.files_total);
}

std::string progress_bar_line(const ProgressSnapshot& s, std::size_t width) {
  const std::string tail = fmt::format(" {:3}%  {} / {}  {}  ETA {}  {}/{} files", percent_of(s), format_bytes(s.done),
                                       format_bytes(s.total), format_rate(rate_of(s)), format_eta(eta_of(s)),
                                       s.files_done, s.files_total);
  // The bar takes what is left of the line, between 10 and 40 columns; on a
  // very narrow terminal only the numbers are shown.
  if (width < tail.size() + 13) return tail.substr(1, std::min(tail.size() - 1, width > 0 ? width - 1 : 0));
  const std::size_t bar = std::min<std::size_t>(40, width - tail.size() - 3);
  const std::size_t filled = bar * static_cast<std::size_t>(percent_of(s)) / 100;
  std::string line = "[" + std::string(filled, '=');
  if (filled < bar) line += '>' + std::string(bar - filled - 1, ' ');
  return line + "]" + tail;
}

Progress::Progress(std::FILE* out, bool tty, std::uint64_t total_bytes, std::size_t total_files)
    : out_(out), tty_(tty), total_(total_bytes), files_total_(total_files) {
  if (out_ != nullptr) thread_ = std::thread([this] { run(); });
}

Progress::~Progress() { stop(); }

void Progress::add_received(std::int64_t delta) {
  done_ += delta;
  received_ += delta;
}

void Progress::add_resumed(std::uint64_t bytes) { done_ += static_cast<std::int64_t>(bytes); }

void Progress::file_done() { ++files_done_; }

ProgressSnapshot Progress::snapshot() const {
  ProgressSnapshot s;
  s.done = static_cast<std::uint64_t>(std::max<std::int64_t>(0, done_.load()));
  s.received = static_cast<std::uint64_t>(std::max<std::int64_t>(0, received_.load()));
  s.total = total_;
  s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  s.files_done = files_done_.load();
  s.files_total = files_total_;
  return s;
}

void Progress::log(const std::string& line) {
  if (out_ == nullptr) return;
  std::lock_guard lock(mutex_);
  if (tty_) std::fputs("\r\033[K", out_);
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void Progress::draw(bool final) {
  const ProgressSnapshot s = snapshot();
  if (tty_) {
    std::fprintf(out_, "\r\033[K%s", final ? "" : progress_bar_line(s, terminal_width(out_) - 1).c_str());
  } else if (!final) {
    std::fprintf(out_, "%s\n", progress_plain_line(s).c_str());
  }
  std::fflush(out_);
}

void Progress::run() {
  const auto interval = tty_ ? std::chrono::duration_cast<std::chrono::milliseconds>(kTtyInterval)
                             : std::chrono::duration_cast<std::chrono::milliseconds>(kPlainInterval);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) draw(false);
  draw(true);
}

void Progress::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace llmctl::hub
