#include "bench/request.hpp"
#include "bench/sse.hpp"
#include "bench/stream.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace llmctl::bench;

namespace {
std::vector<std::string> parse_split(const std::string& stream, std::size_t piece) {
  SseParser p;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < stream.size(); i += piece)
    p.feed(std::string_view(stream).substr(i, piece), [&](std::string_view d) { out.emplace_back(d); });
  p.finish([&](std::string_view d) { out.emplace_back(d); });
  return out;
}
}  // namespace

TEST_CASE("sse: events survive any split of the bytes and every line ending") {
  const std::string stream =
      ": keep-alive\n\ndata: {\"a\":1}\n\ndata: x\r\ndata: y\r\n\r\nevent: e\nid: 3\ndata:z\r\rdata: [DONE]\n\n";
  const std::vector<std::string> expected{"{\"a\":1}", "x\ny", "z", "[DONE]"};
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
    CAPTURE(piece);
    CHECK(parse_split(stream, piece) == expected);
  }
}

TEST_CASE("sse: an event without its blank line is delivered at the end of the stream") {
  CHECK(parse_split("data: last", 3) == std::vector<std::string>{"last"});
  CHECK(parse_split("data: a\n\n\n\n", 4) == std::vector<std::string>{"a"});
}

TEST_CASE("sse: role-only and empty chunks never set TTFT, ITL is per text chunk") {
  RequestResult r;
  r.start_s = 1.0;
  StreamAccumulator acc(r);
  acc.on_bytes("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n", 1.010);
  acc.on_bytes("data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\n", 1.020);
  acc.on_bytes("data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hm\"}}]}\n\n", 1.100);
  acc.on_bytes("data: {\"choices\":[{\"delta\":{\"content\":\" a b\"}}]}\n\n", 1.150);
  acc.on_bytes("data: {\"choices\":[{\"delta\":{\"reasoning\":\"!\"}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n", 1.175);
  acc.on_bytes("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n", 1.300);
  REQUIRE(acc.finish(1.31));
  CHECK(r.ttft == doctest::Approx(0.100));
  CHECK(r.latency == doctest::Approx(0.175));  // the last text chunk, not the usage chunk or [DONE]
  REQUIRE(r.itl.size() == 2);
  CHECK(r.itl[0] == doctest::Approx(0.050));
  CHECK(r.itl[1] == doctest::Approx(0.025));
  CHECK(r.text_chunks == 3);
  CHECK(r.generated_text == "hm a b!");
  CHECK(acc.usage_completion_tokens == 4);
  CHECK(acc.usage_prompt_tokens == 7);
}

TEST_CASE("sse: completions text, error events and truncated streams") {
  RequestResult ok;
  StreamAccumulator a(ok);
  a.on_bytes("data: {\"choices\":[{\"text\":\"hi\"}]}\n\ndata: [DONE]\n\n", 0.5);
  CHECK(a.finish(0.6));
  CHECK(ok.ttft == doctest::Approx(0.5));

  RequestResult err;
  StreamAccumulator b(err);
  b.on_bytes("data: {\"error\":{\"message\":\"boom\"}}\n\n", 0.1);
  CHECK_FALSE(b.finish(0.2));
  CHECK(err.error == "boom");

  RequestResult empty;
  StreamAccumulator c(empty);
  CHECK_FALSE(c.finish(0.1));
  CHECK_FALSE(empty.error.empty());
}
