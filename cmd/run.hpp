// `llmctl run <model> -p "prompt" [--chat] [--system S]`: offline generation
// on the local engine, streaming text to stdout, prefill and decode tokens/s
// on stderr.
#pragma once

#include "cli.hpp"
#include "engine_flags.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::cmd {

struct RunOptions {
  const cli::GlobalOptions* global = nullptr;
  EngineFlags engine;  // model, device, dtype, context, weights
  std::string prompt;
  std::int64_t prompt_tokens = 0;  // > 0: a synthetic prompt of this many ids (benchmarks)
  std::int64_t max_tokens = 128;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::optional<double> min_p;
  std::optional<double> repetition_penalty;
  std::optional<double> presence_penalty;
  std::optional<double> frequency_penalty;
  std::optional<std::int64_t> seed;
  std::vector<std::string> stop;
  std::int64_t min_tokens = 0;
  bool ignore_eos = false;
  bool chat = false;               // wrap the prompt in the model's chat template as a user message
  std::string system;              // with --chat: a system message first
  std::string chat_template_kwargs;  // JSON object, e.g. {"enable_thinking": false}
  std::int64_t batch = 1;         // concurrent copies of the request (aggregate throughput)
};

CLI::App* register_run(CLI::App& root, RunOptions& opts);
int run_run(const RunOptions& opts);

}  // namespace llmctl::cmd
