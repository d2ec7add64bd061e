// The Qwen3 reasoning split (vLLM's Qwen3ReasoningParser semantics), whole
// and streamed in every chunking.
#include "text/reasoning.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

using llmctl::ReasoningStream;
using llmctl::split_reasoning;

struct Case {
  const char* output;
  bool thinking;
  std::optional<std::string> reasoning;
  std::optional<std::string> content;
};

const std::optional<std::string> none;

// Expected values follow vLLM's extract_reasoning line by line.
const std::vector<Case> kCases = {
    {"<think>\nI should greet.\n</think>\n\nHello!", true, "\nI should greet.\n", "\n\nHello!"},
    {"I should greet.\n</think>\n\nHello!", true, "I should greet.\n", "\n\nHello!"},  // <think> was in the prompt
    {"<think>\nstill thinking about", true, "\nstill thinking about", none},          // truncated
    {"still thinking", true, "still thinking", none},
    {"<think>\nstill thinking about", false, none, "\nstill thinking about"},
    {"Hello!", false, none, "Hello!"},
    {"", true, "", none},
    {"</think>Answer", true, "", "Answer"},
    {"<think></think>", true, "", none},
    {"<think>x</think>", true, "x", none},
    {"<think>a</think>b</think>c", true, "a", "b</think>c"},
    {"<think>a<think>b</think>c", true, "a<think>b", "c"},
    {"a</think>b", false, "a", "b"},  // thinking off, yet a </think> still splits
    {"Let me call a tool.\n<tool_call>\n<function=get_weather>\n<parameter=city>Paris</parameter>\n</function>\n</tool_call>",
     true, "Let me call a tool.\n",
     "<tool_call>\n<function=get_weather>\n<parameter=city>Paris</parameter>\n</function>\n</tool_call>"},
    {"<tool_call>\n<function=f></function></tool_call>", true, none, "<tool_call>\n<function=f></function></tool_call>"},
    {"<tool_call> <function name=\"f\"></function>", true, none, "<tool_call> <function name=\"f\"></function>"},
    {"I could write <tool_call> here but won't.", true, "I could write <tool_call> here but won't.", none},
    {"a <tool_call>x <tool_call>\n<function=f>", true, "a <tool_call>x <tool_call>\n<function=f>", none},  // first decides
    {"<tool_call>\n<function", true, "<tool_call>\n<function", none},  // no [\s=] yet
    {"think <tool_call>\n<function=f>x</tool_call> more</think>answer", true,
     "think <tool_call>\n<function=f>x</tool_call> more", "answer"},
    {"<tool_call>\n<function=f>", false, none, "<tool_call>\n<function=f>"},
    {"<think>\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD</think>\xC3\xBC", true,
     "\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", "\xC3\xBC"},
    {"<thi", true, "<thi", none},
    {"<thinker>hmm</think>ok", true, "<thinker>hmm", "ok"},
    {"a </think", true, "a </think", none},
    {"<<think>>x</think></think>", true, ">x", "</think>"},
    {"<think>\n\n</think>\n\nThe answer is 4.", true, "\n\n", "\n\nThe answer is 4."},
};

// Character-boundary positions of s (1..size-1).
std::vector<std::size_t> boundaries(const std::string& s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  return out;
}

// Streams `s` cut at `cuts` and returns (reasoning, content).
std::pair<std::string, std::string> stream(const std::string& s, const std::vector<std::size_t>& cuts, bool thinking) {
  ReasoningStream parser(thinking);
  std::string reasoning, content;
  std::size_t prev = 0;
  auto take = [&](const llmctl::ReasoningDelta& d) {
    reasoning += d.reasoning;
    content += d.content;
  };
  for (const std::size_t cut : cuts) {
    take(parser.feed(std::string_view(s).substr(prev, cut - prev)));
    prev = cut;
  }
  take(parser.feed(std::string_view(s).substr(prev)));
  take(parser.finish());
  return {reasoning, content};
}

}  // namespace

TEST_CASE("reasoning: whole outputs split as vLLM's Qwen3 parser does") {
  for (const Case& c : kCases) {
    CAPTURE(c.output);
    CAPTURE(c.thinking);
    const auto r = split_reasoning(c.output, c.thinking);
    CHECK(r.reasoning == c.reasoning);
    CHECK(r.content == c.content);
  }
}

TEST_CASE("reasoning: streamed in every chunking, the deltas add up to the whole split") {
  std::size_t chunkings = 0;
  for (const Case& c : kCases) {
    if (!c.thinking) continue;  // thinking off streams everything as content (checked below)
    const std::string s = c.output;
    // Text before a <think> is dropped whole but already streamed (vLLM streams it too).
    const auto think = s.find("<think>");
    if (think != std::string::npos && think != 0) continue;
    const std::string want_r = c.reasoning.value_or(""), want_c = c.content.value_or("");
    const auto b = boundaries(s);
    std::vector<std::vector<std::size_t>> all;
    all.push_back({});
    if (b.size() <= 16) {
      // Every chunking: each subset of the cut points.
      for (std::uint32_t mask = 1; mask < (1u << b.size()); ++mask) {
        std::vector<std::size_t> cuts;
        for (std::size_t i = 0; i < b.size(); ++i) {
          if (mask & (1u << i)) cuts.push_back(b[i]);
        }
        all.push_back(cuts);
      }
    } else {
      // Longer outputs: every single cut, every pair of cuts, and one character at a time.
      for (std::size_t i = 0; i < b.size(); ++i) {
        all.push_back({b[i]});
        for (std::size_t j = i + 1; j < b.size(); ++j) all.push_back({b[i], b[j]});
      }
      all.push_back(b);
    }
    for (const auto& cuts : all) {
      const auto [r, t] = stream(s, cuts, true);
      ++chunkings;
      if (r != want_r || t != want_c) {
        FAIL_CHECK("output " << s << " cut at " << cuts.size() << " points: reasoning '" << r << "' content '" << t << "'");
        break;
      }
    }
  }
  MESSAGE(kCases.size() << " cases, " << chunkings << " chunkings streamed");
  CHECK(chunkings > 10000);
}

TEST_CASE("reasoning: thinking disabled streams everything as content") {
  const auto [r, c] = stream("The answer is 4.", {3, 9}, false);
  CHECK(r.empty());
  CHECK(c == "The answer is 4.");
}

TEST_CASE("reasoning: a tentative <tool_call> is held until it is decided") {
  ReasoningStream parser;
  CHECK(parser.feed("<think>\nplan").reasoning == "\nplan");
  const auto held = parser.feed(" <tool_call>\n");
  CHECK(held.reasoning == " ");
  CHECK(held.content.empty());
  CHECK(parser.feed("<function=f>").empty());  // a later </think> would still win
  const auto end = parser.finish();
  CHECK(end.content == "<tool_call>\n<function=f>");
  ReasoningStream other;
  other.feed("x <tool_call> then prose");
  CHECK(other.finish().reasoning.empty());  // already released as reasoning when it diverged
}
