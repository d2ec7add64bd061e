// Reads the tokenizer golden data of tests/data/tokenizer/ (written by
// tools/gen-tokenizer-golden.py from HF `tokenizers`).
#pragma once

#include "test_paths.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace llmctl::test {

struct GoldenCase {
  std::string input;                 // bytes (may be ill-formed UTF-8)
  std::vector<std::uint32_t> ids;    // HF ids, add_special_tokens=True
  std::optional<std::string> decode_hash;       // FNV-1a of decode(ids) when != input
  std::optional<std::string> skip_decode_hash;  // of decode(ids, skip_special) when != decode
};

inline std::string fnv1a64_hex(const std::string& s) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

inline std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

inline std::vector<std::string> tokenizer_corpus() {
  std::vector<std::string> corpus;
  for (const std::string& line : read_lines(test_data() / "tokenizer" / "corpus.jsonl")) {
    const auto j = nlohmann::json::parse(line);
    corpus.push_back(j.contains("x") ? from_hex(j.at("x").get<std::string>()) : j.at("t").get<std::string>());
  }
  return corpus;
}

inline std::vector<GoldenCase> tokenizer_golden(const std::string& name) {
  const std::vector<std::string> corpus = tokenizer_corpus();
  const std::vector<std::string> lines = read_lines(test_data() / "tokenizer" / (name + ".golden.jsonl"));
  if (lines.size() != corpus.size()) throw std::runtime_error(name + ": golden and corpus differ in length");
  std::vector<GoldenCase> cases;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto j = nlohmann::json::parse(lines[i]);
    GoldenCase c;
    c.input = corpus[i];
    c.ids = j.at("ids").get<std::vector<std::uint32_t>>();
    if (j.contains("d")) c.decode_hash = j.at("d").get<std::string>();
    if (j.contains("s")) c.skip_decode_hash = j.at("s").get<std::string>();
    cases.push_back(std::move(c));
  }
  return cases;
}

// Where each tokenizer.json of the golden set lives.
inline std::filesystem::path golden_tokenizer_path(const std::string& name) {
  if (name == "qwen3") return shared_data() / "qwen3-tokenizer" / "tokenizer.json";
  return test_data() / "tokenizer" / (name + ".tokenizer.json");
}

}  // namespace llmctl::test
