// The flags every engine command (run, serve, bench engine) shares, vLLM's
// names, written straight into the runtime::SessionOptions they describe.
#pragma once

#include "cli.hpp"
#include "runtime/session.hpp"
#include "util/output.hpp"

#include <string>

namespace llmctl::cmd {

struct EngineFlags {
  runtime::SessionOptions session;
  std::string device = "auto";             // parsed by resolve()
  std::string generation_config = "auto";  // auto | vllm

  // `session` with the device and the generation-config mode applied.
  runtime::SessionOptions resolve() const;
};

// MODEL, --dummy-weights, --tokenizer, --device, --dtype, --max-model-len,
// --gpu-memory-utilization, --generation-config. (--max-num-seqs and the
// like are the command's: `run` derives it from --batch.)
void add_engine_flags(CLI::App& app, EngineFlags& flags);

// A flag whose value must be a JSON object (e.g. chat template keywords);
// a usage Error naming `flag` otherwise.
Json parse_json_object_flag(const std::string& flag, const std::string& text);

}  // namespace llmctl::cmd
