#include "engine_flags.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::cmd {

void add_engine_flags(CLI::App& app, EngineFlags& f) {
  runtime::SessionOptions& s = f.session;
  app.add_option("model", s.model,
                 "Model: a local model directory, or a catalog alias / HF id (pulled, or with --dummy-weights)")
      ->required()
      ->type_name("MODEL");
  app.add_flag("--dummy-weights", s.dummy_weights, "Random weights of the real shapes (no download; for benchmarks)");
  app.add_option("--tokenizer", s.tokenizer, "Directory or pulled model holding tokenizer.json, if not the model's")
      ->type_name("DIR");
  app.add_option("--device", f.device, "auto | cpu | cuda")->capture_default_str()
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  app.add_option("--dtype", s.dtype, "Weights in memory: auto (the checkpoint's: bf16 stays bf16), float32, bfloat16")
      ->capture_default_str()->check(CLI::IsMember({"auto", "float32", "bfloat16"}));
  app.add_option("--max-model-len", s.max_model_len,
                 "Context length: prompt + completion tokens (default: the model's; CPU: at most 4096)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 24));
  app.add_option("--gpu-memory-utilization", s.gpu_memory_utilization,
                 "CUDA: share of GPU memory for weights, activations and KV cache")
      ->capture_default_str()->check(CLI::Range(0.01, 1.0));
  app.add_option("--generation-config", f.generation_config,
                 "auto: sampling defaults from generation_config.json; vllm: vLLM's own defaults")
      ->capture_default_str()->check(CLI::IsMember({"auto", "vllm"}));
}

runtime::SessionOptions EngineFlags::resolve() const {
  runtime::SessionOptions s = session;
  s.device = runtime::parse_device(device);
  s.use_generation_config = generation_config == "auto";
  return s;
}

Json parse_json_object_flag(const std::string& flag, const std::string& text) {
  Json value;
  try {
    value = Json::parse(text);
  } catch (const Json::exception& e) {
    throw usage_error(fmt::format("{}: invalid JSON: {}", flag, e.what()));
  }
  if (!value.is_object()) throw usage_error(fmt::format("{} must be a JSON object", flag));
  return value;
}

}  // namespace llmctl::cmd
