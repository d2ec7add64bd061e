#include "bench/dataset.hpp"
#include "test_paths.hpp"
#include "text/tokenizer/tokenizer.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace llmctl::bench;
namespace fs = std::filesystem;

namespace {
const llmctl::tok::Tokenizer& qwen3() {
  static const auto tok = llmctl::tok::Tokenizer::from_file(llmctl::test::shared_data() / "qwen3-tokenizer" / "tokenizer.json");
  return tok;
}
}  // namespace

TEST_CASE("dataset: random prompts encode to exactly the asked number of tokens") {
  for (std::int64_t len : {1, 7, 128, 1000}) {
    for (std::uint64_t seed : {0u, 1u, 2u}) {
      std::int64_t actual = -1;
      const std::string text = random_prompt(qwen3(), len, seed, &actual);
      CAPTURE(len);
      CAPTURE(seed);
      CHECK(actual == len);
      CHECK(static_cast<std::int64_t>(qwen3().encode(text, false).size()) == len);
    }
  }
}

TEST_CASE("dataset: random lengths stay in the range ratio and are reproducible") {
  DatasetOptions o;
  o.num_prompts = 50;
  o.input_len = 100;
  o.output_len = 40;
  o.range_ratio = 0.5;
  o.seed = 9;
  const auto a = load_dataset(o, &qwen3());
  const auto b = load_dataset(o, &qwen3());
  REQUIRE(a.size() == 50);
  std::int64_t in_min = 1 << 30, in_max = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].prompt == b[i].prompt);
    CHECK(a[i].prompt_len >= 50);
    CHECK(a[i].prompt_len <= 150);
    CHECK(a[i].expected_output_len >= 20);
    CHECK(a[i].expected_output_len <= 60);
    CHECK(static_cast<std::int64_t>(qwen3().encode(a[i].prompt, false).size()) == a[i].prompt_len);
    in_min = std::min(in_min, a[i].prompt_len);
    in_max = std::max(in_max, a[i].prompt_len);
  }
  CHECK(in_max - in_min > 50);  // the range is used
}

TEST_CASE("dataset: without a tokenizer prompts are words and the lengths unknown, with a warning") {
  DatasetOptions o;
  o.num_prompts = 3;
  o.input_len = 10;
  std::string warned;
  const auto v = load_dataset(o, nullptr, [&](const std::string& w) { warned = w; });
  CHECK(warned.find("no tokenizer") != std::string::npos);
  CHECK(v[0].prompt_len == 0);
  CHECK(std::count(v[0].prompt.begin(), v[0].prompt.end(), ' ') == 9);
}

TEST_CASE("dataset: sharegpt and jsonl files") {
  const fs::path dir = fs::temp_directory_path() / "llmctl-bench-dataset-test";
  fs::create_directories(dir);
  {
    std::ofstream(dir / "sg.json") << R"([
      {"conversations": [{"from": "human", "value": "What is the capital city of France, please?"},
                         {"from": "gpt", "value": "The capital of France is Paris, a large city."}]},
      {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello there friend"}]},
      {"conversations": [{"from": "human", "value": "only one turn"}]}
    ])";
    std::ofstream(dir / "p.jsonl") << "{\"prompt\": \"one\", \"output_tokens\": 5}\n\n{\"prompt\": \"two\"}\n";
  }
  DatasetOptions o;
  o.name = "sharegpt";
  o.path = (dir / "sg.json").string();
  o.num_prompts = 4;
  const auto sg = load_dataset(o, &qwen3());
  REQUIRE(sg.size() == 4);  // one usable conversation ("hi" is under 4 tokens), reused
  CHECK(sg[0].prompt == "What is the capital city of France, please?");
  CHECK(sg[0].expected_output_len == static_cast<std::int64_t>(qwen3().encode("The capital of France is Paris, a large city.", false).size()));

  o.name = "jsonl";
  o.path = (dir / "p.jsonl").string();
  o.num_prompts = 2;
  o.output_len = 77;
  auto jl = load_dataset(o, nullptr);
  std::sort(jl.begin(), jl.end(), [](const auto& x, const auto& y) { return x.prompt < y.prompt; });
  CHECK(jl[0].prompt == "one");
  CHECK(jl[0].expected_output_len == 5);
  CHECK(jl[1].expected_output_len == 77);

  o.name = "nope";
  CHECK_THROWS_AS(load_dataset(o, nullptr), llmctl::Error);
  fs::remove_all(dir);
}
