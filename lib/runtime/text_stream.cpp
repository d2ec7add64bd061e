#include "runtime/text_stream.hpp"

#include "engine/sequence.hpp"

#include <vector>

namespace llmctl::runtime {

void TextStreams::track(const std::string& request_id, const engine::SamplingParams& params,
                        std::span<const engine::TokenId> context) {
  std::vector<std::uint32_t> ids(context.begin(), context.end());
  Stream s;
  s.detok = std::make_unique<tok::IncrementalDetokenizer>(*tokenizer_, params.skip_special_tokens, ids);
  if (!params.stop.empty())
    s.matcher = std::make_unique<engine::StopStringMatcher>(params.stop, params.include_stop_str_in_output);
  streams_[request_id] = std::move(s);
}

std::optional<std::string> TextStreams::check(const engine::Sequence& seq, engine::TokenId token, bool may_stop) {
  auto it = streams_.find(seq.request_id());
  if (it == streams_.end()) return std::nullopt;
  Stream& s = it->second;
  const std::string delta = s.detok->step(static_cast<std::uint32_t>(token));
  if (!s.matcher) {
    s.pending += delta;
    return std::nullopt;
  }
  if (s.matcher->stopped()) return std::nullopt;
  engine::StopStringMatcher::Result r = s.matcher->feed(delta, may_stop);
  s.pending += r.text;
  if (r.stop) return s.matcher->stops()[*r.stop];
  return std::nullopt;
}

std::string TextStreams::take(const std::string& request_id) {
  auto it = streams_.find(request_id);
  if (it == streams_.end()) return {};
  std::string out;
  out.swap(it->second.pending);
  return out;
}

std::string TextStreams::finish(const std::string& request_id) {
  auto it = streams_.find(request_id);
  if (it == streams_.end()) return {};
  Stream& s = it->second;
  std::string out;
  out.swap(s.pending);
  const std::string tail = s.detok->finish();
  if (!s.matcher) {
    out += tail;
  } else if (!s.matcher->stopped()) {
    out += s.matcher->feed(tail, false).text;
    out += s.matcher->flush();
  }
  streams_.erase(it);
  return out;
}

}  // namespace llmctl::runtime
