#include "util/units.hpp"

#include <fmt/format.h>

#include <array>

namespace llmctl {

std::string format_bytes(std::uint64_t bytes) {
  static constexpr std::array<const char*, 6> units{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < units.size()) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.2f} {}", value, units[unit]);
}

std::string format_count(std::uint64_t count) {
  static constexpr std::array<const char*, 5> units{"", "K", "M", "B", "T"};
  double value = static_cast<double>(count);
  std::size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < units.size()) {
    value /= 1000.0;
    ++unit;
  }
  if (unit == 0) return fmt::format("{}", count);
  // three significant digits: 1.72B, 14.8B, 596M
  if (value >= 100.0) return fmt::format("{:.0f}{}", value, units[unit]);
  if (value >= 10.0) return fmt::format("{:.1f}{}", value, units[unit]);
  return fmt::format("{:.2f}{}", value, units[unit]);
}

std::string format_tokens(std::uint64_t tokens) {
  if (tokens >= 1024 && tokens % 1024 == 0) return fmt::format("{}K", tokens / 1024);
  return fmt::format("{}", tokens);
}

}  // namespace llmctl
