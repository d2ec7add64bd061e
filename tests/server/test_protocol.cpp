// Request parsing of the generation endpoints: vLLM's field names, defaults,
// type errors and range messages (vllm/entrypoints/openai/protocol.py,
// vllm/sampling_params.py), and the context-length check.
#include "server/api_error.hpp"
#include "server/json_fields.hpp"
#include "server/protocol.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace llmctl;
using namespace llmctl::server;

namespace {

// The ApiError a call throws: status and message.
template <typename F>
std::pair<int, std::string> error_of(F&& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

Json body(const char* text) { return Json::parse(text); }

}  // namespace

TEST_CASE("protocol: chat request fields and defaults") {
  const GenerateRequest r = parse_chat_request(body(R"({
    "model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}],
    "max_completion_tokens": 7, "max_tokens": 99, "temperature": 0, "top_k": 5, "seed": 3, "stop": "x",
    "stream": true, "stream_options": {"include_usage": true}, "logprobs": true, "top_logprobs": 2,
    "chat_template_kwargs": {"enable_thinking": false}, "user": "u", "unknown_field": [1, 2]})"));
  CHECK(r.endpoint == Endpoint::chat);
  CHECK(*r.model == "m");
  CHECK(r.messages[0]["content"] == "a\nb");  // text parts joined as vLLM's string content format
  CHECK(*r.sampling.max_tokens == 7);          // max_completion_tokens wins
  CHECK(*r.sampling.temperature == 0.0);
  CHECK(*r.sampling.top_k == 5);
  CHECK(*r.sampling.seed == 3);
  CHECK(r.sampling.stop->size() == 1);
  CHECK(r.stream);
  CHECK(r.include_usage);
  CHECK(*r.logprobs == 2);
  CHECK(r.chat_template_kwargs["enable_thinking"] == false);
  CHECK_FALSE(r.add_special_tokens);  // the template has the special tokens
}

TEST_CASE("protocol: completion prompts: string, strings, token ids, lists of ids") {
  CHECK(parse_completion_request(body(R"({"prompt": "hi"})")).prompts.at(0).text == "hi");
  CHECK(parse_completion_request(body(R"({"prompt": ["a", "b"]})")).prompts.size() == 2);
  const GenerateRequest ids = parse_completion_request(body(R"({"prompt": [1, 2, 3], "logprobs": 0})"));
  CHECK(ids.prompts.at(0).ids == std::vector<engine::TokenId>{1, 2, 3});
  CHECK(*ids.logprobs == 0);
  CHECK(ids.add_special_tokens);
  CHECK(parse_completion_request(body(R"({"prompt": [[1], [2, 3]]})")).prompts.size() == 2);
}

TEST_CASE("protocol: wrong types and ranges are 400s naming the field") {
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": "x", "temperature": "hot"})")); }) ==
        std::pair<int, std::string>{400, "temperature: Input should be a valid number"});
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": "x", "n": 1.5})")); }).first == 400);
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": "x", "max_tokens": 1e30})")); }).first == 400);
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": 42})")); }).first == 400);
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": []})")); }).first == 400);
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": [-1]})")); }).first == 400);
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": "x", "logprobs": 21})")); }).second ==
        "Requested sample logprobs of 21, which is greater than max allowed: 20");
  CHECK(error_of([] { parse_chat_request(body(R"({"messages": [{"role": "user", "content": "x"}], "top_logprobs": 1})")); })
            .second == "when using `top_logprobs`, `logprobs` must be set to true.");
  CHECK(error_of([] { parse_chat_request(body(R"({"model": "m"})")); }).second == "messages: Field required");
  CHECK(error_of([] { parse_chat_request(body(R"({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]})")); })
            .first == 400);
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": "x", "stream_options": {}})")); }).second ==
        "Stream options can only be defined when `stream=True`.");
  CHECK(error_of([] { parse_completion_request(body(R"({"prompt": "x", "n": 1000})")); }).first == 400);
}

TEST_CASE("protocol: context length check with vLLM's message") {
  GenerateRequest r = parse_completion_request(body(R"({"prompt": "x", "max_tokens": 600})"));
  CHECK(error_of([&] { resolve_max_tokens(r, 4, 512, std::nullopt); }).second ==
        "This model's maximum context length is 512 tokens. However, you requested 604 tokens (4 in the messages, "
        "600 in the completion). Please reduce the length of the messages or completion.");
  r.sampling.max_tokens = 100;
  CHECK(resolve_max_tokens(r, 4, 512, std::nullopt) == 100);
  r.sampling.max_tokens = std::numeric_limits<std::int64_t>::max();  // no overflow in prompt + max_tokens
  CHECK(error_of([&] { resolve_max_tokens(r, 4, 512, std::nullopt); }).first == 400);
  r.sampling.max_tokens.reset();  // omitted: the rest of the context, capped by generation_config
  CHECK(resolve_max_tokens(r, 12, 512, std::nullopt) == 500);
  CHECK(resolve_max_tokens(r, 12, 512, std::int64_t{64}) == 64);
  CHECK(error_of([&] { resolve_max_tokens(r, 512, 512, std::nullopt); }).first == 400);
}

TEST_CASE("protocol: sampling fields over the defaults, validated as vLLM") {
  GenerateRequest r = parse_completion_request(body(R"({"prompt": "x", "temperature": 0.5, "top_p": 0.9, "stop": ["a", "b"],
                                                         "stop_token_ids": [7, 7], "ignore_eos": true})"));
  engine::SamplingParams defaults;
  defaults.top_k = 20;  // generation_config.json's, kept when the request does not set it
  const engine::SamplingParams p = apply_sampling_fields(r, defaults, 16);
  CHECK(p.temperature == 0.5);
  CHECK(p.top_p == 0.9);
  CHECK(p.top_k == 20);
  CHECK(p.stop.size() == 2);
  CHECK(p.stop_token_ids == std::vector<engine::TokenId>{7});
  CHECK(p.ignore_eos);
  CHECK(*p.max_tokens == 16);
  r.sampling.temperature = 3.0;
  CHECK(error_of([&] { apply_sampling_fields(r, defaults, 16); }).second == "temperature must be in [0, 2], got 3.0.");
}

TEST_CASE("protocol: JSON bodies: malformed, invalid UTF-8, too deep, not an object") {
  CHECK(parse_json_body(R"({"a": 1})")["a"] == 1);
  CHECK(error_of([] { parse_json_body("{oops"); }).first == 400);
  CHECK(error_of([] { parse_json_body("{\"a\": \"\xff\"}"); }).first == 400);
  CHECK(error_of([] { parse_json_body(std::string(100000, '[') + std::string(100000, ']')); }).second ==
        "JSON nesting is deeper than 64 levels");
  CHECK(error_of([] { parse_json_body("[1]"); }).second == "the request body must be a JSON object");
  CHECK(json_depth(R"({"a": "[[[[", "b": [{"c": []}]})") == 4);  // brackets in strings do not count
}
