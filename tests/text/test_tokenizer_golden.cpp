// Token ids and decoded text identical to HF `tokenizers` over the corpus of
// tests/data/tokenizer/ (tools/gen-tokenizer-golden.py), for the real Qwen3
// tokenizer and the five trained there.
#include "text/tokenizer/tokenizer.hpp"
#include "text/tokenizer/unicode.hpp"
#include "tokenizer_golden.hpp"

#include <doctest/doctest.h>

#include <sstream>

namespace {

using llmctl::tok::Tokenizer;

// The ids around the first position where `ids` and `other` differ.
std::string show_ids(const std::vector<std::uint32_t>& ids, const std::vector<std::uint32_t>& other) {
  std::size_t first = 0;
  while (first < ids.size() && first < other.size() && ids[first] == other[first]) ++first;
  const std::size_t from = first > 8 ? first - 8 : 0;
  std::ostringstream out;
  if (from > 0) out << "[" << from << "] ... ";
  for (std::size_t i = from; i < ids.size() && i < from + 24; ++i) out << (i > from ? " " : "") << ids[i];
  if (ids.size() > from + 24) out << " ...";
  return out.str();
}

void check_golden(const std::string& name) {
  const Tokenizer tok = Tokenizer::from_file(llmctl::test::golden_tokenizer_path(name));
  const auto cases = llmctl::test::tokenizer_golden(name);
  std::size_t same_ids = 0, same_decode = 0, reported = 0;
  for (const auto& c : cases) {
    const std::vector<std::uint32_t> ids = tok.encode(c.input);
    const bool ids_ok = ids == c.ids;
    same_ids += ids_ok;
    // Decode the golden ids: the reference text is HF's decode of them.
    const std::string text = llmctl::tok::unicode::sanitize(c.input);
    const std::string decoded = tok.decode(c.ids, false);
    const std::string skipped = tok.decode(c.ids, true);
    const bool decode_ok = (c.decode_hash ? llmctl::test::fnv1a64_hex(decoded) == *c.decode_hash : decoded == text) &&
                           (c.skip_decode_hash ? llmctl::test::fnv1a64_hex(skipped) == *c.skip_decode_hash
                                               : skipped == decoded);
    same_decode += decode_ok;
    if ((!ids_ok || !decode_ok) && reported++ < 8) {
      MESSAGE(name << ": input " << nlohmann::json(text).dump() << "\n  want " << show_ids(c.ids, ids) << "\n  got  "
                   << show_ids(ids, c.ids) << (decode_ok ? "" : "\n  decode differs: " + nlohmann::json(decoded).dump()));
    }
  }
  MESSAGE(name << ": " << same_ids << "/" << cases.size() << " identical ids, " << same_decode << "/"
               << cases.size() << " identical decodes");
  CHECK(same_ids == cases.size());
  CHECK(same_decode == cases.size());
}

}  // namespace

TEST_CASE("tokenizer golden: qwen3 (real) ids and decode equal HF tokenizers") { check_golden("qwen3"); }
TEST_CASE("tokenizer golden: byte-level BPE ids and decode equal HF tokenizers") { check_golden("bytelevel"); }
TEST_CASE("tokenizer golden: SentencePiece-style BPE with byte fallback equals HF tokenizers") {
  check_golden("sentencepiece");
}
TEST_CASE("tokenizer golden: Metaspace BPE (NFKC, Lowercase, Strip, Punctuation, Digits) equals HF tokenizers") {
  check_golden("metaspace");
}
TEST_CASE("tokenizer golden: Llama 3 style (Split regex, ByteLevel, ignore_merges) equals HF tokenizers") {
  check_golden("llama3-style");
}
TEST_CASE("tokenizer golden: BPE with prefix/suffix, ignore_merges, Split behaviours equals HF tokenizers") {
  check_golden("wordpiece-like");
}
