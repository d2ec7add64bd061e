// Wire formats: OpenAI-shaped errors, SSE framing, usage, logprobs, the
// Prometheus text of /metrics (vLLM's names and buckets), access-log lines,
// and the API-key comparison.
#include "server/api_error.hpp"
#include "server/encode.hpp"
#include "server/http_server.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace llmctl;
using namespace llmctl::server;

TEST_CASE("encode: errors have OpenAI's shape") {
  CHECK(dump(error_body(bad_request("bad", "n"))) ==
        R"({"error":{"message":"bad","type":"BadRequestError","param":"n","code":400}})");
  CHECK(dump(error_body(model_not_found("x"))) ==
        R"({"error":{"message":"The model `x` does not exist.","type":"NotFoundError","param":"model","code":404}})");
  CHECK(error_body(413, "too large")["error"]["type"] == "RequestEntityTooLargeError");
  CHECK(error_body(unauthorized())["error"]["code"] == 401);
}

TEST_CASE("encode: SSE framing, usage, reasons, invalid UTF-8 replaced") {
  Json chunk = envelope("cmpl-1", "text_completion", 5, "m");
  CHECK(sse_event(chunk) == "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":5,\"model\":\"m\"}\n\n");
  CHECK(std::string(sse_done()) == "data: [DONE]\n\n");
  Usage u;
  u.prompt_tokens = 3;
  u.completion_tokens = 4;
  CHECK(usage_json(u)["total_tokens"] == 7);
  CHECK(finish_reason_json(engine::FinishReason::none).is_null());
  CHECK(finish_reason_json(engine::FinishReason::length) == "length");
  CHECK(stop_reason_json(engine::StopReason{std::string("###")}) == "###");
  CHECK(stop_reason_json(engine::StopReason{engine::TokenId{7}}) == 7);
  CHECK(dump(Json("a\xff")) == "\"a\xEF\xBF\xBD\"");  // never throws on model bytes
  ChatDelta d;
  d.role = "assistant";
  d.content = "";
  CHECK(dump(chat_delta_json(d)) == R"({"role":"assistant","content":""})");
}

TEST_CASE("encode: logprobs in the chat and the legacy completions shapes") {
  engine::TokenLogprobs lp;
  lp.logprob = -0.5f;
  lp.top = {{2, -0.25f}, {1, -0.5f}};
  const TokenText text = [](engine::TokenId id) { return std::string(1, static_cast<char>('a' + id)); };
  const Json chat = chat_logprobs_json({1}, {lp}, text);
  CHECK(chat["content"][0]["token"] == "b");
  CHECK(chat["content"][0]["bytes"] == Json::array({98}));
  CHECK(chat["content"][0]["top_logprobs"].size() == 2);
  CHECK(chat["content"][0]["top_logprobs"][0]["token"] == "c");
  lp.top = {{2, -0.25f}};  // the sampled token is not among the top ones: the legacy API adds it
  const Json legacy = completion_logprobs_json({1}, {lp}, text, 10);
  CHECK(legacy["tokens"] == Json::array({"b"}));
  CHECK(legacy["text_offset"] == Json::array({10}));
  CHECK(legacy["top_logprobs"][0].size() == 2);
  CHECK(legacy["top_logprobs"][0]["b"] == -0.5);
}

TEST_CASE("metrics: Prometheus text with vLLM's names, labels and buckets") {
  Metrics m("Qwen/Qwen3-1.7B");
  m.add_prompt_tokens(12);
  m.add_generation_tokens(5);
  m.request_finished("stop", 0.4);
  m.observe_ttft(0.03);
  m.observe_inter_token(0.01);  // on a bound: counted in that bucket ("le")
  LoadSnapshot load;
  load.running = 2;
  load.kv_cache_usage = 0.25;
  const std::string text = m.render(load);
  const auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  CHECK(has("vllm:num_requests_running{model_name=\"Qwen/Qwen3-1.7B\"} 2.0"));
  CHECK(has("vllm:num_requests_waiting{model_name=\"Qwen/Qwen3-1.7B\"} 0.0"));
  CHECK(has("vllm:kv_cache_usage_perc{model_name=\"Qwen/Qwen3-1.7B\"} 0.25"));
  CHECK(has("# TYPE vllm:prompt_tokens_total counter"));
  CHECK(has("vllm:prompt_tokens_total{model_name=\"Qwen/Qwen3-1.7B\"} 12.0"));
  CHECK(has("vllm:generation_tokens_total{model_name=\"Qwen/Qwen3-1.7B\"} 5.0"));
  CHECK(has("vllm:request_success_total{finished_reason=\"stop\",model_name=\"Qwen/Qwen3-1.7B\"} 1.0"));
  CHECK(has("vllm:request_success_total{finished_reason=\"length\",model_name=\"Qwen/Qwen3-1.7B\"} 0.0"));
  CHECK(has("# TYPE vllm:time_to_first_token_seconds histogram"));
  CHECK(has("vllm:time_to_first_token_seconds_bucket{le=\"0.02\",model_name=\"Qwen/Qwen3-1.7B\"} 0.0"));
  CHECK(has("vllm:time_to_first_token_seconds_bucket{le=\"0.04\",model_name=\"Qwen/Qwen3-1.7B\"} 1.0"));
  CHECK(has("vllm:time_to_first_token_seconds_bucket{le=\"2560.0\",model_name=\"Qwen/Qwen3-1.7B\"} 1.0"));
  CHECK(has("vllm:time_to_first_token_seconds_bucket{le=\"+Inf\",model_name=\"Qwen/Qwen3-1.7B\"} 1.0"));
  CHECK(has("vllm:inter_token_latency_seconds_bucket{le=\"0.01\",model_name=\"Qwen/Qwen3-1.7B\"} 1.0"));
  CHECK(has("vllm:e2e_request_latency_seconds_bucket{le=\"0.3\",model_name=\"Qwen/Qwen3-1.7B\"} 0.0"));
  CHECK(has("vllm:e2e_request_latency_seconds_bucket{le=\"0.5\",model_name=\"Qwen/Qwen3-1.7B\"} 1.0"));
  CHECK(has("vllm:e2e_request_latency_seconds_sum{model_name=\"Qwen/Qwen3-1.7B\"} 0.4"));
  CHECK(has("vllm:request_queue_time_seconds_count{model_name=\"Qwen/Qwen3-1.7B\"} 0.0"));
  CHECK(ttft_buckets().size() == 22);
  CHECK(inter_token_buckets().size() == 19);
  CHECK(request_latency_buckets().back() == 7680.0);
  CHECK(prometheus_number(1.0) == "1.0");
  CHECK(prometheus_number(1e-3) == "0.001");
}

TEST_CASE("server: access-log line and API-key comparison") {
  AccessRecord r;
  r.client = "127.0.0.1:5000";
  r.method = "POST";
  r.path = "/v1/chat/completions";
  r.version = "HTTP/1.1";
  r.status = 200;
  r.seconds = 0.4123;
  r.prompt_tokens = 12;
  r.completion_tokens = 7;
  CHECK(format_access(r) == "127.0.0.1:5000 - \"POST /v1/chat/completions HTTP/1.1\" 200 OK 0.412s tokens=12+7");
  CHECK(constant_time_equal("sk-abc", "sk-abc"));
  CHECK_FALSE(constant_time_equal("sk-abd", "sk-abc"));
  CHECK_FALSE(constant_time_equal("sk-ab", "sk-abc"));
  CHECK_FALSE(constant_time_equal("", "sk-abc"));
  CHECK_FALSE(constant_time_equal("sk-abcsk-abc", "sk-abc"));
}
