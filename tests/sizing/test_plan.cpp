// size_model's inputs: every bad input is a usage Error (exit 2) naming the
// problem; the report's defaults and its JSON/explanation.
#include "sizing/explain.hpp"
#include "sizing/report_json.hpp"
#include "sizing/report_table.hpp"
#include "sizing_fixtures.hpp"

using namespace llmctl;
using namespace llmctl::test;

namespace {

CaughtError size_error(const std::string& alias, SizeInputs in) {
  return catch_error([&] { report_for(alias, in); });
}

}  // namespace

TEST_CASE("bad input: zero or negative context, concurrency, tp, pp, batch sizes") {
  SizeInputs in;
  in.context = 0;
  auto e = size_error("qwen3-1.7b", in);
  CHECK(e.code == ExitCode::usage);
  CHECK(e.message == "--context must be a positive number of tokens, got 0");
  in.context = -5;
  CHECK(size_error("qwen3-1.7b", in).message == "--context must be a positive number of tokens, got -5");
  SizeInputs c;
  c.concurrency = 0;
  CHECK(size_error("qwen3-1.7b", c).code == ExitCode::usage);
  SizeInputs t;
  t.tp = 0;
  CHECK(size_error("qwen3-1.7b", t).code == ExitCode::usage);
  SizeInputs p;
  p.pp = -1;
  CHECK(size_error("qwen3-1.7b", p).code == ExitCode::usage);
  SizeInputs b;
  b.max_num_batched_tokens = 0;
  CHECK(size_error("qwen3-1.7b", b).code == ExitCode::usage);
  SizeInputs s;
  s.max_num_seqs = -3;
  CHECK(size_error("qwen3-1.7b", s).code == ExitCode::usage);
}

TEST_CASE("bad input: TP that does not divide the heads, PP beyond the layers") {
  SizeInputs in;
  in.tp = 3;  // Qwen3-1.7B: 16 heads
  const auto e = size_error("qwen3-1.7b", in);
  CHECK(e.code == ExitCode::usage);
  CHECK(e.message == "--tp 3 does not divide the model's 16 attention heads");
  SizeInputs kv;
  kv.tp = 4;  // phi-4: 40 heads (divisible by 4) but 10 KV heads (neither 10 % 4 nor 4 % 10)
  CHECK(size_error("phi-4", kv).message == "--tp 4 does not fit the model's 10 KV heads");
  SizeInputs pp;
  pp.pp = 29;
  CHECK(size_error("qwen3-1.7b", pp).message == "--pp 29 is more than the model's 28 layers");
}

TEST_CASE("bad input: unknown GPU or instance (with close names), both at once, unknown precisions") {
  SizeInputs g;
  g.gpu = "H10";
  const auto e = size_error("qwen3-1.7b", g);
  CHECK(e.code == ExitCode::usage);
  CHECK(e.hint.find("H100") != std::string::npos);
  SizeInputs i;
  i.instance = "p5.4xlarge";
  CHECK(size_error("qwen3-1.7b", i).code == ExitCode::usage);
  SizeInputs both;
  both.gpu = "L4";
  both.instance = "g6.xlarge";
  CHECK(size_error("qwen3-1.7b", both).message == "--gpu and --instance are exclusive");
  SizeInputs kv;
  kv.kv_dtype = "int3";
  CHECK(size_error("qwen3-1.7b", kv).code == ExitCode::usage);
  const ModelConfig c = catalog_config("qwen3-1.7b");
  CHECK(catch_error([&] { resolve_weight_precision("int3", c); }).code == ExitCode::usage);
  ModelConfig q = c;
  q.quantization = QuantizationConfig{};
  q.quantization->quant_method = "hqq";
  CHECK(catch_error([&] { resolve_weight_precision("auto", q); }).code == ExitCode::usage);
}

TEST_CASE("bad input: a config missing fields") {
  ModelConfig c = catalog_config("qwen3-1.7b");
  c.hidden_size = 0;
  const auto e = catch_error([&] { size_model(c, WeightsEstimate{}, SizeInputs{}, HardwareCatalog::embedded()); });
  CHECK(e.code == ExitCode::usage);
  CHECK(e.message.find("hidden_size") != std::string::npos);
  ModelConfig m = catalog_config("qwen3-1.7b");
  m.max_position_embeddings = 0;
  const auto ctx = catch_error([&] { size_model(m, config_weights(m), SizeInputs{}, HardwareCatalog::embedded()); });
  CHECK(ctx.code == ExitCode::usage);
  CHECK(ctx.hint == "pass --context <tokens>");
}

TEST_CASE("JSON: stable names, bytes as integers with human strings, the explanation on request") {
  SizeInputs in;
  in.context = 8192;
  in.gpu = "L4";
  in.guide = true;
  const SizeReport r = report_for("qwen3-1.7b", in);
  const auto steps = explain_report(r);
  const Json j = size_report_to_json(r, steps);
  for (const char* key : {"model", "source", "architecture", "parameters", "weights", "kv_cache", "workload", "memory",
                          "vllm", "fit", "suggestion", "fit_table", "guide", "vllm_version", "vllm_constants", "notes",
                          "explain"})
    CHECK_MESSAGE(j.contains(key), key);
  CHECK(j["parameters"]["total"] == 1720574976ULL);
  CHECK(j["kv_cache"]["bytes_per_token"] == 114688);
  CHECK(j["memory"]["total_per_gpu"]["bytes"].is_number_integer());
  CHECK(j["memory"]["total_per_gpu"]["human"].get<std::string>().find("GiB") != std::string::npos);
  CHECK(j["vllm"]["kv_cache_tokens"] == r.fit->vllm.kv_cache_tokens);
  CHECK(j["fit"]["fits"] == true);
  CHECK(j["guide"]["total_gib"] == 5.85);
  CHECK(j["explain"].size() == steps.size());
  // Each step shows its numbers: the KV per token step multiplies 28 layers by 4,096 B.
  bool kv_step = false;
  for (const auto& s : steps)
    if (s.figure == "KV cache per token") kv_step = s.substituted == "28 x 4,096" && s.result.rfind("114,688 B", 0) == 0;
  CHECK(kv_step);
  const std::string text = render_size_report(r, steps, false);
  CHECK(text.find("GPU KV cache size") != std::string::npos);
  CHECK(text.find("GUIDE VS EXACT") != std::string::npos);
  CHECK(text.find("5.85 GiB") != std::string::npos);
}
