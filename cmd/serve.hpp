// `llmctl serve <model>`: an OpenAI-compatible HTTP server on the engine,
// with vLLM's flag names (docs/serve.md).
#pragma once

#include "cli.hpp"
#include "engine_flags.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl::cmd {

struct ServeOptions {
  const cli::GlobalOptions* global = nullptr;
  EngineFlags engine;  // model, device, dtype, context, weights (--max-num-seqs too)
  std::string host = "127.0.0.1";
  int port = 8000;
  std::vector<std::string> served_model_names;
  std::string api_key;
  std::string reasoning_parser;
  std::string default_chat_template_kwargs;
  double drain_timeout = 30.0;
  std::int64_t seed = -1;
};

CLI::App* register_serve(CLI::App& root, ServeOptions& opts);
int run_serve(const ServeOptions& opts);

}  // namespace llmctl::cmd
