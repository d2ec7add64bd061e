#include "engine/sampling_params.hpp"

#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace llmctl::engine;

namespace {

std::string error_of(SamplingParams p) {
  try {
    p.verify_and_normalize();
  } catch (const llmctl::Error& e) {
    CHECK(e.code() == llmctl::ExitCode::usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sampling params: vLLM's validation messages") {
  SamplingParams p;
  CHECK(error_of(p).empty());
  auto with = [](auto change) {
    SamplingParams q;
    change(q);
    return error_of(q);
  };
  CHECK(with([](auto& q) { q.n = 0; }) == "n must be at least 1, got 0.");
  CHECK(with([](auto& q) { q.presence_penalty = 2.5; }) == "presence_penalty must be in [-2, 2], got 2.5.");
  CHECK(with([](auto& q) { q.frequency_penalty = -3; }) == "frequency_penalty must be in [-2, 2], got -3.0.");
  CHECK(with([](auto& q) { q.repetition_penalty = 0; }) == "repetition_penalty must be greater than zero, got 0.0.");
  CHECK(with([](auto& q) { q.temperature = -0.5; }) == "temperature must be non-negative, got -0.5.");
  CHECK(with([](auto& q) { q.temperature = 3; }) == "temperature must be in [0, 2], got 3.0.");
  CHECK(with([](auto& q) { q.top_p = 0; }) == "top_p must be in (0, 1], got 0.0.");
  CHECK(with([](auto& q) { q.top_k = -2; }) == "top_k must be 0 (disable), or at least 1, got -2.");
  CHECK(with([](auto& q) { q.min_p = 1.5; }) == "min_p must be in [0, 1], got 1.5.");
  CHECK(with([](auto& q) { q.max_tokens = 0; }) == "max_tokens must be at least 1, got 0.");
  CHECK(with([](auto& q) { q.min_tokens = -1; }) == "min_tokens must be greater than or equal to 0, got -1.");
  CHECK(with([](auto& q) {
          q.max_tokens = 4;
          q.min_tokens = 5;
        }) == "min_tokens must be less than or equal to max_tokens=4, got 5.");
  CHECK(with([](auto& q) { q.logprobs = -2; }) == "logprobs must be non-negative or -1, got -2.");
  CHECK(with([](auto& q) { q.stop = {"a", ""}; }) == "stop cannot contain an empty string.");
  CHECK(with([](auto& q) {
          q.temperature = 0;
          q.n = 2;
        }) == "n must be 1 when using greedy sampling, got 2.");
}

TEST_CASE("sampling params: normalization") {
  SamplingParams p;
  p.temperature = 0.001;  // raised to 0.01 (vLLM's _MAX_TEMP)
  p.top_k = -1;
  p.seed = -1;
  p.stop_token_ids = {5, 5, 7};
  p.logprobs = -1;
  p.verify_and_normalize();
  CHECK(p.temperature == 0.01);
  CHECK(p.top_k == 0);
  CHECK_FALSE(p.seed);
  CHECK(p.stop_token_ids == std::vector<TokenId>{5, 7});
  CHECK(p.all_stop_token_ids == std::vector<TokenId>{5, 7});

  SamplingParams greedy;
  greedy.temperature = 0;
  greedy.top_p = 0.5;
  greedy.top_k = 3;
  greedy.min_p = 0.2;
  greedy.verify_and_normalize();
  CHECK(greedy.greedy());
  CHECK(greedy.top_p == 1.0);
  CHECK(greedy.top_k == 0);
  CHECK(greedy.min_p == 0.0);
}

TEST_CASE("sampling params: EOS from the tokenizer and generation_config.json") {
  SamplingParams p;
  p.stop_token_ids = {7};
  p.verify_and_normalize();
  const std::vector<TokenId> generation_eos{151645, 151643};
  p.set_eos_tokens(151645, generation_eos);
  CHECK(p.eos_token_id == 151645);
  CHECK(p.stop_token_ids == std::vector<TokenId>{7, 151643});
  CHECK(p.all_stop_token_ids == std::vector<TokenId>{7, 151645, 151643});

  SamplingParams ignoring;
  ignoring.ignore_eos = true;
  ignoring.verify_and_normalize();
  ignoring.set_eos_tokens(151645, generation_eos);
  CHECK_FALSE(ignoring.eos_token_id);
  CHECK(ignoring.stop_token_ids.empty());
  CHECK(ignoring.all_stop_token_ids == std::vector<TokenId>{151645, 151643});  // still masked by min_tokens
}

TEST_CASE("sampling params: defaults from generation_config.json") {
  // Qwen3's file.
  auto qwen3 = llmctl::Json::parse(R"({"bos_token_id": 151643, "do_sample": true,
      "eos_token_id": [151645, 151643], "pad_token_id": 151643, "temperature": 0.6,
      "top_k": 20, "top_p": 0.95, "transformers_version": "4.51.0"})");
  GenerationConfig g = parse_generation_config(qwen3);
  CHECK(g.eos_token_ids == std::vector<TokenId>{151645, 151643});
  SamplingParams p = default_sampling_params(g);
  CHECK(p.temperature == 0.6);
  CHECK(p.top_k == 20);
  CHECK(p.top_p == 0.95);
  CHECK(p.min_p == 0.0);
  CHECK_FALSE(p.max_tokens);

  // transformers' own defaults are not differences: top_k 50 is not applied.
  auto plain = llmctl::Json::parse(R"({"eos_token_id": 2, "top_k": 50, "temperature": 1.0,
      "repetition_penalty": 1.1, "max_new_tokens": 256, "min_p": null})");
  GenerationConfig h = parse_generation_config(plain);
  CHECK_FALSE(h.top_k);
  CHECK_FALSE(h.temperature);
  CHECK_FALSE(h.min_p);
  SamplingParams q = default_sampling_params(h);
  CHECK(q.top_k == 0);
  CHECK(q.repetition_penalty == 1.1);
  CHECK(q.max_tokens == 256);
  CHECK(h.eos_token_ids == std::vector<TokenId>{2});

  CHECK_THROWS_AS(parse_generation_config(llmctl::Json::parse(R"({"top_k": "20"})")), llmctl::Error);
  CHECK_THROWS_AS(parse_generation_config(llmctl::Json::parse(R"({"eos_token_id": [1, "x"]})")), llmctl::Error);
}

TEST_CASE("sampling params: n > 1 is served as n requests") {
  SamplingParams p;
  p.n = 3;
  p.seed = 10;
  p.verify_and_normalize();
  SamplingParams second = p.for_parallel_sample(1);
  CHECK(second.n == 1);
  CHECK(second.seed == 11);
  SamplingParams unseeded;
  unseeded.n = 2;
  CHECK_FALSE(unseeded.for_parallel_sample(1).seed);
}
