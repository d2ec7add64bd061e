#include "serve.hpp"

#include "runtime/session.hpp"
#include "server/server.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::cmd {

CLI::App* register_serve(CLI::App& root, ServeOptions& o) {
  auto* app = root.add_subcommand("serve", "Serve a model over an OpenAI-compatible HTTP API (vLLM's flags and endpoints)");
  cli::add_model_argument(*app, o.model);
  app->add_option("--host", o.host, "Address to listen on")->capture_default_str();
  app->add_option("--port", o.port, "Port to listen on")->capture_default_str()->check(CLI::Range(1, 65535));
  app->add_option("--served-model-name", o.served_model_names,
                  "Model name(s) the API answers to (default: the model argument); the first is reported")
      ->type_name("NAME");
  app->add_option("--api-key", o.api_key, "Require 'Authorization: Bearer KEY' on /v1 routes")
      ->envname("LLMCTL_API_KEY")->type_name("KEY");
  app->add_option("--max-model-len", o.max_model_len, "Context length: prompt + completion tokens (default: the model's; CPU: at most 4096)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 24));
  app->add_option("--max-num-seqs", o.max_num_seqs, "Most sequences running at once")->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{65536}));
  app->add_option("--max-num-batched-tokens", o.max_num_batched_tokens, "Tokens per engine step (default: max(2048, max-model-len))")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 24));
  app->add_option("--gpu-memory-utilization", o.gpu_memory_utilization,
                  "Share of GPU memory for weights, activations and KV cache")
      ->capture_default_str()->check(CLI::Range(0.01, 1.0));
  app->add_option("--device", o.device, "Backend")->capture_default_str()
      ->check(CLI::IsMember({"auto", "cuda", "cpu"}));
  app->add_option("--dtype", o.dtype, "Weights in memory: auto (the checkpoint's: bf16 stays bf16), float32, bfloat16")
      ->capture_default_str()->check(CLI::IsMember({"auto", "float32", "bfloat16"}));
  app->add_flag("--dummy-weights", o.dummy_weights, "Random weights of the real shapes (no download; for benchmarks)");
  app->add_option("--tokenizer", o.tokenizer, "Directory or HF id of the tokenizer files (default: the model's)")
      ->type_name("DIR");
  app->add_option("--reasoning-parser", o.reasoning_parser, "Split reasoning_content from content")
      ->check(CLI::IsMember({"qwen3"}));
  app->add_option("--default-chat-template-kwargs", o.default_chat_template_kwargs,
                  "JSON object of chat template arguments for every request, e.g. '{\"enable_thinking\": false}'")
      ->type_name("JSON");
  app->add_option("--generation-config", o.generation_config,
                  "auto: sampling defaults from generation_config.json; vllm: vLLM's own defaults")
      ->capture_default_str()->check(CLI::IsMember({"auto", "vllm"}));
  app->add_option("--drain-timeout", o.drain_timeout, "SIGTERM: seconds running requests get to finish")
      ->capture_default_str()->check(CLI::Range(0.0, 3600.0));
  app->add_option("--seed", o.seed, "Seed of the engine's sampling keys (requests without a seed)");
  cli::set_examples(*app,
                    "  llmctl serve ./Qwen3-1.7B/ --served-model-name Qwen/Qwen3-1.7B\n"
                    "  llmctl serve qwen3-0.6b --dummy-weights --port 8001 --api-key secret\n"
                    "  curl http://localhost:8000/v1/chat/completions -H 'Content-Type: application/json' \\\n"
                    "    -d '{\"model\": \"Qwen/Qwen3-1.7B\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}'\n");
  return app;
}

int run_serve(const ServeOptions& o) {
  server::ServeOptions opts;
  runtime::SessionOptions& s = opts.session;
  s.model = o.model;
  s.tokenizer = o.tokenizer;
  s.dummy_weights = o.dummy_weights;
  s.device = runtime::parse_device(o.device);
  s.dtype = o.dtype;
  s.max_model_len = o.max_model_len;
  s.max_num_seqs = o.max_num_seqs;
  s.max_num_batched_tokens = o.max_num_batched_tokens;
  s.gpu_memory_utilization = o.gpu_memory_utilization;
  s.use_generation_config = o.generation_config == "auto";
  server::ServeConfig& c = opts.config;
  c.host = o.host;
  c.port = o.port;
  c.served_model_names = o.served_model_names;
  c.api_key = o.api_key;
  c.reasoning_parser = o.reasoning_parser;
  c.drain_seconds = o.drain_timeout;
  if (o.seed >= 0) c.engine_seed = static_cast<std::uint64_t>(o.seed);
  if (!o.default_chat_template_kwargs.empty()) {
    try {
      c.default_chat_template_kwargs = Json::parse(o.default_chat_template_kwargs);
    } catch (const Json::exception& e) {
      throw usage_error(fmt::format("--default-chat-template-kwargs: invalid JSON: {}", e.what()));
    }
    if (!c.default_chat_template_kwargs.is_object())
      throw usage_error("--default-chat-template-kwargs must be a JSON object");
  }
  return server::serve(std::move(opts));
}

}  // namespace llmctl::cmd
