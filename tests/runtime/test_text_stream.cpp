// TextStreams: incremental text per request with stop strings cut across
// token boundaries, checked against a full decode of the same ids.
#include "runtime/text_stream.hpp"
#include "engine/sequence.hpp"
#include "test_paths.hpp"

#include <doctest/doctest.h>

using namespace llmctl;
using llmctl::test::shared_data;
using llmctl::test::test_data;

namespace {

tok::Tokenizer qwen3() { return tok::Tokenizer::from_file(shared_data() / "qwen3-tokenizer" / "tokenizer.json"); }

// Feeds `text`'s tokens one at a time; returns the concatenated output and the stop string hit.
std::pair<std::string, std::optional<std::string>> stream(const tok::Tokenizer& t, const std::string& text,
                                                          engine::SamplingParams params) {
  runtime::TextStreams texts(t);
  texts.track("r", params);
  engine::Sequence seq("r", {1}, params);
  std::string out;
  std::optional<std::string> stop;
  for (std::uint32_t id : t.encode(text, false)) {
    stop = texts.check(seq, static_cast<engine::TokenId>(id), true);
    out += texts.take("r");
    if (stop) break;
  }
  out += texts.finish("r");
  return {out, stop};
}

}  // namespace

TEST_CASE("text stream: without stop strings the text is the full decode") {
  const tok::Tokenizer t = qwen3();
  const std::string text = "Paris is the capital of France. Ünïcödé 東京 🙂!";
  CHECK(stream(t, text, engine::SamplingParams{}).first == text);
}

TEST_CASE("text stream: a stop string split across tokens ends the text before it") {
  const tok::Tokenizer t = qwen3();
  engine::SamplingParams p;
  p.stop = {"capital of"};
  auto [out, stop] = stream(t, "Paris is the capital of France.", p);
  CHECK(out == "Paris is the ");
  CHECK(stop == "capital of");
  p.stop = {"Berlin"};
  auto [all, none] = stream(t, "Paris is the capital of France.", p);
  CHECK(all == "Paris is the capital of France.");
  CHECK(!none);
}
