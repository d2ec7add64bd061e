// open_session on the tiny golden models: the KV plan comes from the sizing
// module's bytes per token, EOS ids from the tokenizer and
// generation_config.json, and the engine it builds generates transformers'
// greedy continuation.
#include "runtime/backend_choice.hpp"
#include "runtime/session.hpp"
#include "sizing/kv_cache.hpp"
#include "test_paths.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace llmctl;
using llmctl::test::shared_data;
using llmctl::test::test_data;

namespace {

runtime::SessionOptions tiny(const std::string& name) {
  runtime::SessionOptions o;
  o.model = (test_data() / "models" / name).string();
  o.device = runtime::Device::cpu;
  return o;
}

std::vector<engine::TokenId> golden_greedy(const std::string& name, std::vector<engine::TokenId>& prompt) {
  std::ifstream in(test_data() / "models" / name / "golden.json");
  const Json golden = Json::parse(in)["prompts"][0];
  prompt = golden["input_ids"].get<std::vector<engine::TokenId>>();
  return golden["greedy"].get<std::vector<engine::TokenId>>();
}

}  // namespace

TEST_CASE("session: a local model opens with its tokenizer, EOS and a KV plan from the sizing module") {
  runtime::SessionOptions o = tiny("qwen3-tied");
  o.max_num_seqs = 4;
  std::vector<std::string> log;
  runtime::ModelSession s = runtime::open_session(o, [&](const std::string& line) { log.push_back(line); });
  REQUIRE(s.tokenizer);
  CHECK(s.tokenizer_eos == engine::TokenId{0});  // <|endoftext|>
  CHECK(s.generation_eos == std::vector<engine::TokenId>{0});
  CHECK(s.scheduler.max_model_len == 512);         // max_position_embeddings (<= 4096 on the CPU)
  CHECK(s.memory.device == "cpu");
  // 2 layers x 2 (K, V) x 2 KV heads x 16 head_dim x 4 B = 512 B per token.
  CHECK(s.memory.kv_bytes_per_token == 512);
  // 4 GiB would hold far more than 4 sequences of 512 tokens: capped at what they can use.
  CHECK(s.memory.num_blocks == 4 * 512 / 16);
  CHECK(s.memory.kv_cache_bytes == s.memory.num_blocks * 16 * 512);
  CHECK(s.memory.max_concurrency(512) == doctest::Approx(4.0));
  bool logged_kv = false;
  for (const auto& line : log) logged_kv = logged_kv || line.find("KV cache: 2048 tokens") != std::string::npos;
  CHECK(logged_kv);
}

TEST_CASE("session: the CPU KV space bounds the blocks, as VLLM_CPU_KVCACHE_SPACE") {
  runtime::SessionOptions o = tiny("qwen3-tied");
  o.cpu_kv_cache_bytes = 64 * 16 * 512;  // exactly 64 blocks of 16 tokens x 512 B
  o.max_num_seqs = 256;
  runtime::ModelSession s = runtime::open_session(o);
  CHECK(s.memory.num_blocks == 64);
  o.cpu_kv_cache_bytes = 16 * 512;  // one block: cannot hold one max_model_len sequence
  CHECK_THROWS_AS(runtime::open_session(o), Error);
}

TEST_CASE("session: the engine it builds reproduces transformers' greedy continuation") {
  for (const char* name : {"qwen3-tied", "llama3-rope"}) {
    CAPTURE(name);
    runtime::ModelSession s = runtime::open_session(tiny(name));
    std::vector<engine::TokenId> prompt;
    const std::vector<engine::TokenId> want = golden_greedy(name, prompt);
    engine::SamplingParams p = s.sampling_defaults();
    p.temperature = 0.0;
    p.ignore_eos = true;
    p.max_tokens = static_cast<std::int64_t>(want.size());
    s.finish_params(p);
    auto eng = s.make_engine();
    eng->add("r", prompt, p);
    std::vector<engine::TokenId> got;
    while (eng->has_unfinished())
      for (const auto& u : eng->step()) got.push_back(u.token);
    CHECK(got == want);
  }
}

TEST_CASE("session: --generation-config vllm drops the sampling defaults, keeps the EOS ids") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "llmctl-session-genconfig";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(test_data() / "models" / "qwen3-tied", dir);
  {
    std::ofstream out(dir / "generation_config.json");
    out << R"({"temperature": 0.6, "top_p": 0.95, "top_k": 20, "eos_token_id": [0, 5]})";
  }
  runtime::SessionOptions o = tiny("qwen3-tied");
  o.model = dir.string();
  {
    runtime::ModelSession s = runtime::open_session(o);
    const engine::SamplingParams p = s.sampling_defaults();
    CHECK(p.temperature == doctest::Approx(0.6));
    CHECK(p.top_k == 20);
    engine::SamplingParams q = p;
    s.finish_params(q);
    CHECK(q.eos_token_id == engine::TokenId{0});
    CHECK(std::count(q.all_stop_token_ids.begin(), q.all_stop_token_ids.end(), 5) == 1);
  }
  o.use_generation_config = false;
  runtime::ModelSession s = runtime::open_session(o);
  CHECK(s.sampling_defaults().temperature == doctest::Approx(1.0));
  CHECK(s.generation_eos == std::vector<engine::TokenId>{0, 5});
  std::filesystem::remove_all(dir);
}

TEST_CASE("session: dummy weights of a catalog model need no files; a missing model is an Error") {
  runtime::SessionOptions o;
  o.model = "qwen3-0.6b";
  o.dummy_weights = true;
  o.device = runtime::Device::cpu;
  o.max_model_len = 64;
  o.max_num_seqs = 2;
  runtime::ModelSession s = runtime::open_session(o);
  CHECK(!s.tokenizer);
  CHECK(s.memory.kv_bytes_per_token == 28 * 2 * 8 * 128 * 4);
  CHECK_THROWS_AS(s.encode("hello"), Error);
  o.dummy_weights = false;
  CHECK_THROWS_AS(runtime::open_session(o), Error);
  CHECK_THROWS_AS(runtime::parse_device("tpu"), Error);
}
