#include "serve.hpp"

#include "runtime/session.hpp"
#include "server/server.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::cmd {

CLI::App* register_serve(CLI::App& root, ServeOptions& o) {
  auto* app = root.add_subcommand("serve", "Serve a model over an OpenAI-compatible HTTP API (vLLM's flags and endpoints)");
  add_engine_flags(*app, o.engine);
  app->add_option("--host", o.host, "Address to listen on")->capture_default_str();
  app->add_option("--port", o.port, "Port to listen on")->capture_default_str()->check(CLI::Range(1, 65535));
  app->add_option("--served-model-name", o.served_model_names,
                  "Model name(s) the API answers to (default: the model argument); the first is reported")
      ->type_name("NAME");
  app->add_option("--api-key", o.api_key, "Require 'Authorization: Bearer KEY' on /v1 routes")
      ->envname("LLMCTL_API_KEY")->type_name("KEY");
  app->add_option("--max-num-seqs", o.engine.session.max_num_seqs, "Most sequences running at once")->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{65536}));
  app->add_option("--max-num-batched-tokens", o.engine.session.max_num_batched_tokens,
                  "Tokens per engine step (default: max(2048, max-model-len))")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 24));
  app->add_option("--reasoning-parser", o.reasoning_parser, "Split reasoning_content from content")
      ->check(CLI::IsMember({"qwen3"}));
  app->add_option("--default-chat-template-kwargs", o.default_chat_template_kwargs,
                  "JSON object of chat template arguments for every request, e.g. '{\"enable_thinking\": false}'")
      ->type_name("JSON");
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
  opts.session = o.engine.resolve();
  server::ServeConfig& c = opts.config;
  c.host = o.host;
  c.port = o.port;
  c.served_model_names = o.served_model_names;
  c.api_key = o.api_key;
  c.reasoning_parser = o.reasoning_parser;
  c.drain_seconds = o.drain_timeout;
  if (o.seed >= 0) c.engine_seed = static_cast<std::uint64_t>(o.seed);
  if (!o.default_chat_template_kwargs.empty())
    c.default_chat_template_kwargs =
        parse_json_object_flag("--default-chat-template-kwargs", o.default_chat_template_kwargs);
  return server::serve(std::move(opts));
}

}  // namespace llmctl::cmd
