#include "engine/stop_strings.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace llmctl::engine;

namespace {

// Feeds the deltas; returns everything released, and the stop index.
struct Fed {
  std::string shown;
  std::vector<std::string> pieces;
  std::optional<std::size_t> stop;
};

Fed feed_all(StopStringMatcher& m, const std::vector<std::string>& deltas, bool flush_at_end = true) {
  Fed out;
  for (const std::string& d : deltas) {
    auto r = m.feed(d);
    out.pieces.push_back(r.text);
    out.shown += r.text;
    if (r.stop) {
      out.stop = r.stop;
      break;
    }
  }
  if (!out.stop && flush_at_end) out.shown += m.flush();
  return out;
}

}  // namespace

TEST_CASE("stop strings: a stop string split across tokens is found and cut") {
  StopStringMatcher m({"STOP"}, false);
  auto fed = feed_all(m, {"Hello ", "wor", "ld S", "TO", "P and more"});
  CHECK(fed.stop == 0u);
  CHECK(fed.shown == "Hello world ");
  CHECK(m.text() == "Hello world ");
  // "S" and "TO" could start "STOP": they were held back, never shown early.
  CHECK(fed.pieces == std::vector<std::string>{"Hello ", "wor", "ld ", "", ""});
}

TEST_CASE("stop strings: held-back text is released once it stops matching") {
  StopStringMatcher m({"</end>"}, false);
  auto r1 = m.feed("a </e");
  CHECK(r1.text == "a ");
  auto r2 = m.feed("nd");
  CHECK(r2.text.empty());  // "</end" still a prefix
  auto r3 = m.feed("x>");
  CHECK(r3.text == "</endx>");
  CHECK_FALSE(r3.stop);
  CHECK(m.feed("<").text.empty());   // "<" starts "</end>"
  CHECK(m.flush() == "<");           // the generation ended another way
  CHECK(m.text() == "a </endx><");
}

TEST_CASE("stop strings: several stop strings, the first to complete wins") {
  SUBCASE("in different deltas") {
    StopStringMatcher m({"world", "lo"}, false);
    auto fed = feed_all(m, {"Hel", "lo world"});
    CHECK(fed.stop == 1u);
    CHECK(fed.shown == "Hel");
  }
  SUBCASE("in one delta: the one ending first, not the one listed first nor starting first") {
    StopStringMatcher m({"abcd", "bc"}, false);
    auto fed = feed_all(m, {"xabcd"});
    CHECK(fed.stop == 1u);
    CHECK(fed.shown == "xa");
  }
  SUBCASE("the answer does not depend on how the text is split") {
    const std::vector<std::vector<std::string>> splits{{"xabcdy"}, {"x", "a", "b", "c", "d", "y"}, {"xab", "cdy"}};
    for (const auto& split : splits) {
      StopStringMatcher m({"abcd", "bc"}, false);
      auto fed = feed_all(m, split);
      CHECK(fed.stop == 1u);
      CHECK(fed.shown == "xa");
    }
  }
  SUBCASE("ties in the end position go to list order") {
    StopStringMatcher m({"bc", "abc"}, false);
    CHECK(feed_all(m, {"zabc"}).stop == 0u);
  }
}

TEST_CASE("stop strings: a stop string at the very start leaves no text") {
  StopStringMatcher m({"<|im_end|>"}, false);
  auto fed = feed_all(m, {"<|im", "_end|>", "more"});
  CHECK(fed.stop == 0u);
  CHECK(fed.shown.empty());
  CHECK(m.text().empty());
}

TEST_CASE("stop strings: include_stop_str_in_output keeps the stop string and holds nothing") {
  StopStringMatcher m({"STOP"}, true);
  auto r1 = m.feed("go S");
  CHECK(r1.text == "go S");  // nothing before a stop string is ever cut
  auto r2 = m.feed("TOP trailing");
  CHECK(r2.stop == 0u);
  CHECK(r2.text == "TOP");
  CHECK(m.text() == "go STOP");
}

TEST_CASE("stop strings: before min_tokens no stop string ends the generation") {
  StopStringMatcher m({"ab"}, false);
  auto r1 = m.feed("xab", /*may_stop=*/false);
  CHECK_FALSE(r1.stop);
  CHECK(r1.text == "xab");  // a complete, disallowed match cannot become one later
  auto r2 = m.feed("a", false);
  CHECK(r2.text.empty());   // "a" may start "ab"
  auto r3 = m.feed("b", true);  // straddles into allowed text: it counts
  CHECK(r3.stop == 0u);
  CHECK(m.text() == "xab");
  CHECK(m.stopped());
  CHECK(m.feed("more").text.empty());
}

TEST_CASE("stop strings: multi-byte UTF-8 text") {
  StopStringMatcher m({"。"}, false);  // U+3002, three bytes
  auto fed = feed_all(m, {"你好", "。", "再见"});
  CHECK(fed.stop == 0u);
  CHECK(fed.shown == "你好");
}

TEST_CASE("stop strings: no stop strings releases everything at once") {
  StopStringMatcher m({}, false);
  CHECK(m.feed("abc").text == "abc");
  CHECK(m.flush().empty());
  CHECK_THROWS(StopStringMatcher({""}, false));
}
