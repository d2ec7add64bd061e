// Unit behaviour of lib/text/tokenizer beyond the golden ids: UTF-8
// repair, special tokens on and off, vocabulary lookups, the merge cache
// under threads, the regex dialect, errors, and streaming detokenization.
#include "text/tokenizer/detokenizer.hpp"
#include "text/tokenizer/regex.hpp"
#include "text/tokenizer/tokenizer.hpp"
#include "text/tokenizer/unicode.hpp"
#include "tokenizer_golden.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <thread>

namespace {

using llmctl::tok::IncrementalDetokenizer;
using llmctl::tok::Tokenizer;
namespace unicode = llmctl::tok::unicode;

const Tokenizer& qwen3() {
  // Loaded once per test binary run: 11 MB of JSON is worth sharing between cases.
  static const Tokenizer tok = Tokenizer::from_file(llmctl::test::golden_tokenizer_path("qwen3"));
  return tok;
}

}  // namespace

TEST_CASE("tokenizer: ill-formed UTF-8 is repaired like Python's errors='replace'") {
  // Expected values: bytes.decode("utf-8", errors="replace") in CPython 3.11.
  CHECK(unicode::sanitize("abc") == "abc");
  CHECK(unicode::sanitize("\xff") == "\xEF\xBF\xBD");
  CHECK(unicode::sanitize("\xC3(") == "\xEF\xBF\xBD(");
  CHECK(unicode::sanitize("\xE2\x82(") == "\xEF\xBF\xBD(");                                // one for the truncated pair
  CHECK(unicode::sanitize("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");     // a surrogate: three
  CHECK(unicode::sanitize("\xF0\x9F\x98") == "\xEF\xBF\xBD");                              // truncated emoji: one
  CHECK(unicode::sanitize("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                      // overlong: two
  CHECK(unicode::sanitize("\xF4\x90\x80\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // > U+10FFFF
  CHECK(unicode::is_valid("h\xC3\xA9llo \xF0\x9F\x98\x80"));
  CHECK_FALSE(unicode::is_valid("h\xC3"));
  // The tokenizer encodes the repaired text: same ids as for the U+FFFD string.
  CHECK(qwen3().encode("ok \x80 ok") == qwen3().encode("ok \xEF\xBF\xBD ok"));
}

TEST_CASE("tokenizer: Qwen3 basics: vocabulary, special tokens, chat markup") {
  const Tokenizer& tok = qwen3();
  CHECK(tok.vocab_size() == 151669);
  CHECK(tok.token_to_id("<|im_start|>") == 151644u);
  CHECK(tok.token_to_id("Hello") == 9707u);
  CHECK(tok.id_to_token(151645) == "<|im_end|>");
  CHECK(tok.id_to_token(9707) == "Hello");
  CHECK(tok.is_special(151645));
  CHECK_FALSE(tok.is_special(151667));  // <think> is an added token but not special
  CHECK_FALSE(tok.id_to_token(999999).has_value());
  const auto ids = tok.encode("<|im_start|>user\nHi<|im_end|>");
  CHECK(ids == std::vector<std::uint32_t>{151644, 872, 198, 13048, 151645});
  CHECK(tok.decode(ids) == "<|im_start|>user\nHi<|im_end|>");
  CHECK(tok.decode(ids, true) == "user\nHi");
  CHECK(tok.encode("").empty());
}

TEST_CASE("tokenizer: add_special_tokens applies the post-processor's template") {
  const Tokenizer tok = Tokenizer::from_file(llmctl::test::golden_tokenizer_path("sentencepiece"));
  const auto with = tok.encode("Hello world");
  const auto without = tok.encode("Hello world", false);
  REQUIRE(with.size() == without.size() + 1);
  CHECK(with.front() == *tok.token_to_id("<s>"));
  CHECK(std::equal(without.begin(), without.end(), with.begin() + 1));
  CHECK(tok.decode(with, true) == "Hello world");
  const Tokenizer bl = Tokenizer::from_file(llmctl::test::golden_tokenizer_path("bytelevel"));
  const auto b = bl.encode("x");
  CHECK(b.front() == *bl.token_to_id("<|bos|>"));
  CHECK(b.back() == *bl.token_to_id("<|eos|>"));
}

TEST_CASE("tokenizer: the merge cache gives the same ids on repeats and across threads") {
  const Tokenizer tok = Tokenizer::from_file(llmctl::test::golden_tokenizer_path("bytelevel"));
  const auto corpus = llmctl::test::tokenizer_corpus();
  std::vector<std::vector<std::uint32_t>> first;
  for (const auto& s : corpus) first.push_back(tok.encode(s));
  std::vector<std::vector<std::uint32_t>> a(corpus.size()), b(corpus.size());
  std::thread ta([&] { for (std::size_t i = 0; i < corpus.size(); ++i) a[i] = tok.encode(corpus[i]); });
  std::thread tb([&] { for (std::size_t i = corpus.size(); i-- > 0;) b[i] = tok.encode(corpus[i]); });
  ta.join();
  tb.join();
  CHECK(a == first);
  CHECK(b == first);
}

TEST_CASE("tokenizer: regexes keep Oniguruma's classes under PCRE2") {
  using llmctl::tok::Regex;
  CHECK(Regex("\\s").find_all("a\xC2\x85" "b").size() == 1);                  // NEL is \s in Oniguruma
  CHECK(Regex("\\w+").find_all("e\xCC\x81t\xC3\xA9").front().second == 6);    // marks are \w
  CHECK(Regex("\\p{Han}").find_all("\xE3\x80\x82").empty());                   // 。 is Common, not Han
  CHECK(Regex("[^\\s\\p{L}]+").find_all("a\xC2\x85!").size() == 1);
  CHECK(Regex::literal("a.b").find_all("axb a.b").size() == 1);
  // Rust's find_iter: an empty match right after a match is skipped.
  const auto m = Regex("a*").find_all("baab");
  REQUIRE(m.size() == 3);
  CHECK(m[0] == std::pair<std::size_t, std::size_t>{0, 0});
  CHECK(m[1] == std::pair<std::size_t, std::size_t>{1, 3});
  CHECK(m[2] == std::pair<std::size_t, std::size_t>{4, 4});
  CHECK_THROWS_AS(Regex("("), std::invalid_argument);
}

TEST_CASE("tokenizer: unsupported parts and bad files fail naming the problem") {
  nlohmann::json unigram = {{"model", {{"type", "Unigram"}, {"vocab", nlohmann::json::array()}}}};
  CHECK_THROWS_WITH_AS(Tokenizer::from_json(unigram), doctest::Contains("Unigram"), std::invalid_argument);
  nlohmann::json precompiled = nlohmann::json::parse(
      R"({"normalizer": {"type": "Precompiled", "precompiled_charsmap": ""},
          "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})");
  CHECK_THROWS_WITH_AS(Tokenizer::from_json(precompiled), doctest::Contains("Precompiled"), std::invalid_argument);
  CHECK_THROWS_AS(Tokenizer::from_file("/nonexistent/tokenizer.json"), llmctl::Error);
}

namespace {

// Streams every golden case's ids through the detokenizer; the deltas must
// add up to decode(ids) and never split a UTF-8 character.
void check_streaming(const std::string& name, bool skip_special) {
  const Tokenizer tok = Tokenizer::from_file(llmctl::test::golden_tokenizer_path(name));
  std::size_t same = 0, total = 0;
  for (const auto& c : llmctl::test::tokenizer_golden(name)) {
    IncrementalDetokenizer stream(tok, skip_special);
    std::string joined;
    bool valid = true;
    for (const std::uint32_t id : c.ids) {
      const std::string delta = stream.step(id);
      valid = valid && unicode::is_valid(delta);
      joined += delta;
    }
    joined += stream.finish();
    const std::string want = tok.decode(c.ids, skip_special);
    ++total;
    if (joined == want && valid) {
      ++same;
    } else if (total - same <= 3) {
      MESSAGE(name << ": streamed " << nlohmann::json(joined).dump() << "\n  decode   " << nlohmann::json(want).dump());
    }
  }
  MESSAGE(name << std::string(skip_special ? " (skip special)" : "") << ": " << same << "/" << total << " streams equal decode");
  CHECK(same == total);
}

}  // namespace

TEST_CASE("tokenizer: incremental detokenization adds up to decode (byte-level)") {
  check_streaming("qwen3", false);
  check_streaming("qwen3", true);
  check_streaming("bytelevel", true);
}

TEST_CASE("tokenizer: incremental detokenization adds up to decode (byte fallback, Metaspace)") {
  check_streaming("sentencepiece", false);
  check_streaming("metaspace", true);
}

TEST_CASE("tokenizer: a partial character is held back until it completes") {
  const Tokenizer& tok = qwen3();
  // "€" alone spans several byte-level tokens in no merge; build it from bytes.
  const auto ids = tok.encode("\xE2\x82\xAC\xE2\x82\xAC x");
  IncrementalDetokenizer stream(tok);
  std::string out;
  for (const auto id : ids) {
    const std::string d = stream.step(id);
    CHECK(unicode::is_valid(d));
    CHECK(d.find("\xEF\xBF\xBD") == std::string::npos);
    out += d;
  }
  out += stream.finish();
  CHECK(out == "\xE2\x82\xAC\xE2\x82\xAC x");
  // A truncated character at the end shows as U+FFFD, as decode shows it.
  IncrementalDetokenizer cut(tok);
  std::string partial;
  for (const auto id : tok.encode("a\xF0\x9F\x98\x80")) partial += cut.step(id);
  CHECK(partial.find("\xEF\xBF\xBD") == std::string::npos);
}
