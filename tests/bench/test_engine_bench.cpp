#include "bench/engine_bench.hpp"
#include "test_paths.hpp"

#include <doctest/doctest.h>

using namespace llmctl::bench;

namespace {
EngineBenchOptions tiny() {
  EngineBenchOptions o;
  o.session.model = (llmctl::test::test_data() / "models" / "qwen3-tied").string();
  o.session.device = llmctl::runtime::Device::cpu;
  o.session.max_model_len = 128;
  o.prompt_lens = {8};
  o.gen_lens = {4};
  o.batches = {1, 3};
  o.repetitions = 2;
  return o;
}
}  // namespace

TEST_CASE("engine bench: pp and tg rows per batch in llama-bench's table") {
  const auto r = run_engine_bench(tiny(), {});
  REQUIRE(r.rows.size() == 4);
  CHECK(r.rows[0].test == "pp8");
  CHECK(r.rows[1].test == "tg4");
  CHECK(r.rows[2].batch == 3);
  for (const auto& row : r.rows) {
    CHECK(row.samples.size() == 2);
    CHECK(row.mean > 0);
  }
  const std::string md = engine_table_md(r);
  CHECK(md.rfind("| model ", 0) == 0);
  CHECK(md.find(" ± ") != std::string::npos);
  CHECK(std::count(md.begin(), md.end(), '\n') == 6);
  CHECK(engine_json(r)["tests"].size() == 4);
  const std::string csv = engine_csv(r);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
}

TEST_CASE("engine bench: throughput mode generates every requested token") {
  auto o = tiny();
  o.num_prompts = 5;
  o.input_len = 10;
  o.output_len = 6;
  const auto r = run_engine_bench(o, {});
  REQUIRE(r.throughput);
  CHECK(r.throughput->output_tokens == 30);
  CHECK(r.throughput->prompt_tokens == 50);
  CHECK(r.throughput->requests_per_s() > 0);
  CHECK(engine_table_md(r).rfind("Throughput: ", 0) == 0);
}
