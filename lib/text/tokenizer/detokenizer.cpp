#include "text/tokenizer/detokenizer.hpp"

namespace llmctl::tok {

namespace {

constexpr std::size_t kContextIds = 5;  // vLLM's INITIAL_INCREMENTAL_DETOKENIZATION_OFFSET

bool ends_with_replacement(const std::string& s) {
  return s.size() >= 3 && s.compare(s.size() - 3, 3, "\xEF\xBF\xBD") == 0;
}

// Byte length of the common prefix of a and b, backed off to a character boundary.
std::size_t common_prefix(const std::string& a, const std::string& b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  while (n > 0 && n < b.size() && (static_cast<unsigned char>(b[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

IncrementalDetokenizer::IncrementalDetokenizer(const Tokenizer& tokenizer, bool skip_special_tokens,
                                               std::span<const std::uint32_t> context)
    : tokenizer_(&tokenizer), skip_special_(skip_special_tokens) {
  const std::size_t keep = std::min(context.size(), kContextIds);
  ids_.assign(context.end() - static_cast<std::ptrdiff_t>(keep), context.end());
  prefix_offset_ = 0;
  read_offset_ = ids_.size();
}

std::string IncrementalDetokenizer::decode_range(std::size_t from, std::size_t to) const {
  return tokenizer_->decode(std::span<const std::uint32_t>(ids_).subspan(from, to - from), skip_special_);
}

std::string IncrementalDetokenizer::step(std::uint32_t id) {
  ids_.push_back(id);
  const std::string prefix_text = decode_range(prefix_offset_, read_offset_);
  const std::string new_text = decode_range(prefix_offset_, ids_.size());
  if (new_text.size() <= prefix_text.size() || ends_with_replacement(new_text)) return {};
  // The window's old text is normally a prefix of its new text; where a
  // decoder rewrites earlier characters, emit from the first difference on.
  const std::size_t cut = common_prefix(prefix_text, new_text);
  std::string delta = new_text.substr(std::min(cut, prefix_text.size()));
  prefix_offset_ = read_offset_;
  read_offset_ = ids_.size();
  // Keep the id buffer short: nothing before the window is decoded again.
  if (prefix_offset_ > 64) {
    ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(prefix_offset_));
    read_offset_ -= prefix_offset_;
    prefix_offset_ = 0;
  }
  return delta;
}

std::string IncrementalDetokenizer::finish() {
  if (read_offset_ >= ids_.size()) return {};
  const std::string prefix_text = decode_range(prefix_offset_, read_offset_);
  const std::string new_text = decode_range(prefix_offset_, ids_.size());
  read_offset_ = ids_.size();
  if (new_text.size() <= prefix_text.size()) return {};
  return new_text.substr(common_prefix(prefix_text, new_text));
}

}  // namespace llmctl::tok
