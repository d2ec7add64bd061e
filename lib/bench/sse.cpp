#include "bench/sse.hpp"

namespace llmctl::bench {

void SseParser::feed(std::string_view bytes, const OnData& on_data) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c != '\n' && c != '\r') {
      after_cr_ = false;
      continue;
    }
    if (c == '\n' && after_cr_ && i == start) {  // the \n of a \r\n split or not: no new line
      after_cr_ = false;
      start = i + 1;
      continue;
    }
    after_cr_ = (c == '\r');
    if (pending_.empty()) {
      line(bytes.substr(start, i - start), on_data);
    } else {
      pending_.append(bytes.substr(start, i - start));
      const std::string full = std::move(pending_);
      pending_.clear();
      line(full, on_data);
    }
    start = i + 1;
  }
  if (start < bytes.size()) pending_.append(bytes.substr(start));
}

void SseParser::finish(const OnData& on_data) {
  if (!pending_.empty()) {
    const std::string full = std::move(pending_);
    pending_.clear();
    line(full, on_data);
  }
  dispatch(on_data);
}

void SseParser::line(std::string_view text, const OnData& on_data) {
  if (text.empty()) {
    dispatch(on_data);
    return;
  }
  if (text.front() == ':') return;  // comment (keep-alive pings)
  const auto colon = text.find(':');
  const std::string_view field = text.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field != "data") return;  // event, id, retry: not used by OpenAI streams
  if (has_data_) data_.push_back('\n');
  data_.append(value);
  has_data_ = true;
}

void SseParser::dispatch(const OnData& on_data) {
  if (!has_data_) return;
  on_data(data_);
  data_.clear();
  has_data_ = false;
}

}  // namespace llmctl::bench
