// `llmctl serve <model>`: an OpenAI-compatible HTTP server on the engine,
// with vLLM's flag names (docs/serve.md).
#pragma once

#include "cli.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl::cmd {

struct ServeOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;
  std::string host = "127.0.0.1";
  int port = 8000;
  std::vector<std::string> served_model_names;
  std::string api_key;
  std::int64_t max_model_len = 0;
  std::int64_t max_num_seqs = 256;
  std::int64_t max_num_batched_tokens = 0;
  double gpu_memory_utilization = 0.9;
  std::string device = "auto";
  std::string dtype = "auto";
  bool dummy_weights = false;
  std::string tokenizer;
  std::string reasoning_parser;
  std::string default_chat_template_kwargs;
  std::string generation_config = "auto";
  double drain_timeout = 30.0;
  std::int64_t seed = -1;
};

CLI::App* register_serve(CLI::App& root, ServeOptions& opts);
int run_serve(const ServeOptions& opts);

}  // namespace llmctl::cmd
