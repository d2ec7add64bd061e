#include "engine/stop_strings.hpp"

#include <algorithm>
#include <stdexcept>

namespace llmctl::engine {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops, bool include_stop_in_output)
    : stops_(std::move(stops)), include_stop_(include_stop_in_output) {
  for (const std::string& s : stops_)
    if (s.empty()) throw std::invalid_argument("stop cannot contain an empty string.");
}

std::size_t StopStringMatcher::pending_prefix_length() const {
  std::size_t longest = 0;
  for (const std::string& stop : stops_) {
    // Proper prefixes only: a whole stop string here was either matched, or
    // ended inside text where stopping was not allowed, and cannot match later.
    for (std::size_t n = std::min(stop.size() - 1, text_.size()); n > longest; --n) {
      if (text_.compare(text_.size() - n, n, stop, 0, n) == 0) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

StopStringMatcher::Result StopStringMatcher::feed(std::string_view delta, bool may_stop) {
  Result result;
  if (stopped_ || delta.empty()) return result;
  const std::size_t old_size = text_.size();
  text_.append(delta);

  if (may_stop) {
    // A new match must end inside the delta; any earlier end was already
    // checked. Among those, the earliest end wins (then list order).
    std::size_t best_end = std::string::npos, best_begin = 0;
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < stops_.size(); ++i) {
      const std::string& stop = stops_[i];
      const std::size_t from = old_size + 1 > stop.size() ? old_size + 1 - stop.size() : 0;
      const std::size_t at = text_.find(stop, from);
      if (at == std::string::npos) continue;
      const std::size_t end = at + stop.size();
      if (!best || end < best_end) {
        best = i;
        best_end = end;
        best_begin = at;
      }
    }
    if (best) {
      // What came before is never cut: a match ending in the delta started at
      // or after the held-back tail, so released_ <= best_begin.
      const std::size_t keep = include_stop_ ? best_end : best_begin;
      text_.resize(keep);
      result.text = text_.substr(std::min(released_, keep));
      released_ = text_.size();
      result.stop = best;
      stopped_ = true;
      return result;
    }
  }

  const std::size_t hold = include_stop_ ? 0 : pending_prefix_length();
  const std::size_t releasable = text_.size() - hold;
  if (releasable > released_) {
    result.text = text_.substr(released_, releasable - released_);
    released_ = releasable;
  }
  return result;
}

std::string StopStringMatcher::flush() {
  std::string rest = text_.substr(released_);
  released_ = text_.size();
  return rest;
}

}  // namespace llmctl::engine
