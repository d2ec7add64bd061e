// The serving engine's container: image, command and arguments from the
// deployment plan (vLLM's flags, or SGLang's and llmctl serve's equivalents),
// the chart's modelParameters passed through in kebab-case, and for a model
// on several nodes the leader's and workers' commands of a LeaderWorkerSet.
#pragma once

#include "model/config.hpp"
#include "render/plan.hpp"
#include "util/output.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace llmctl::render {

// vllm, sglang, llmctl (the accepted --engine values, in --help order).
const std::vector<std::string>& engine_names();

struct EngineInputs {
  std::string engine;             // one of engine_names()
  std::string hf_id;              // the model's Hugging Face id
  std::string model_path;         // modelPath: served from there instead of the Hub (optional)
  std::string served_name;        // --served-model-name
  const ModelConfig* config = nullptr;
  const DeploymentPlan* plan = nullptr;
  Json model_parameters = Json::object();  // the chart's modelParameters
  int port = 8000;
  bool multinode = false;         // a LeaderWorkerSet (plan->nodes > 1, or lws-vllm)
  std::string api_key_env;        // the env var holding the API key, when one is set
};

struct EngineSpec {
  std::string name;
  std::string repository;          // the default image
  std::string tag;
  std::string metrics_path = "/metrics";
  std::string health_path = "/health";
  std::string queue_metric;        // Prometheus gauge of the requests waiting
  std::string api_key_env;         // the env var the engine reads an API key from ("" = a flag)
  std::vector<std::string> command;  // one node
  std::vector<std::string> args;
  std::vector<std::string> leader_command;  // a LeaderWorkerSet
  std::vector<std::string> worker_command;
};

// The engine's own name for its API-key variable (VLLM_API_KEY, LLMCTL_API_KEY,
// SGLANG_API_KEY passed as --api-key).
std::string api_key_variable(std::string_view engine);

// Usage Errors: an unknown engine, llmctl serve on more than one GPU.
EngineSpec engine_spec(const EngineInputs& in);

// The reasoning parser vLLM and SGLang need for the model ("" for none):
// qwen3 for Qwen3 thinking models, deepseek_r1 for DeepSeek-R1 and Qwen3
// *-Thinking-2507.
std::string reasoning_parser(const ModelConfig& config, std::string_view hf_id);

// camelCase -> kebab-case, as the chart (sprig's kebabcase) turns modelParameters into flags.
std::string kebab_case(std::string_view camel);

// A word for `sh -c`: unchanged when safe, else single-quoted.
std::string shell_quote(std::string_view word);

}  // namespace llmctl::render
