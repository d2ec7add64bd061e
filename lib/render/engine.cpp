#include "render/engine.hpp"

#include "util/error.hpp"

#include <llmctl/version.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace llmctl::render {

namespace {

using Args = std::vector<std::string>;

// modelParameters the sizing or llmctl itself turn into flags.
bool consumed(std::string_view key) {
  static constexpr std::string_view kKeys[] = {
      "maxModelLen", "tensorParallelSize", "pipelineParallelSize", "gpuMemoryUtilization", "maxNumSeqs",
      "maxNumBatchedTokens", "servedModelName", "reasoningParser", "dtype", "host", "port"};
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

std::string text_of(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// The chart's rule: true -> a bare flag, false (and null) -> nothing, else "--flag value".
void pass_through(const Json& params, Args& args) {
  if (!params.is_object()) return;
  for (const auto& [key, value] : params.items()) {
    if (consumed(key) || value.is_null() || (value.is_boolean() && !value.get<bool>())) continue;
    args.push_back("--" + kebab_case(key));
    if (!value.is_boolean()) args.push_back(text_of(value));
  }
}

std::string param_or(const Json& params, const char* key, std::string fallback) {
  if (params.is_object() && params.contains(key) && !params[key].is_null()) return text_of(params[key]);
  return fallback;
}

std::string number(double v) { return fmt::format("{}", v); }

bool needs_half(const EngineInputs& in) {
  return !in.plan->gpu.bf16 && (in.config->torch_dtype.empty() || in.config->torch_dtype == "bfloat16");
}

EngineSpec vllm(const EngineInputs& in) {
  const DeploymentPlan& p = *in.plan;
  EngineSpec e;
  e.repository = "vllm/vllm-openai";
  e.tag = "v0.11.0";
  e.queue_metric = "vllm:num_requests_waiting";
  e.api_key_env = "VLLM_API_KEY";
  const Json& mp = in.model_parameters;
  Args args = {in.model_path.empty() ? in.hf_id : in.model_path,
               "--served-model-name", in.served_name,
               "--max-model-len", std::to_string(p.context),
               "--tensor-parallel-size", std::to_string(p.fit.tp)};
  if (p.fit.pp > 1) args.insert(args.end(), {"--pipeline-parallel-size", std::to_string(p.fit.pp)});
  args.insert(args.end(), {"--gpu-memory-utilization", number(p.gpu_memory_utilization), "--max-num-seqs",
                           std::to_string(p.max_num_seqs)});
  if (mp.contains("maxNumBatchedTokens") && !mp["maxNumBatchedTokens"].is_null())
    args.insert(args.end(), {"--max-num-batched-tokens", text_of(mp["maxNumBatchedTokens"])});
  const std::string dtype = param_or(mp, "dtype", needs_half(in) ? "half" : "");
  if (!dtype.empty()) args.insert(args.end(), {"--dtype", dtype});
  const std::string parser = param_or(mp, "reasoningParser", reasoning_parser(*in.config, in.hf_id));
  if (!parser.empty()) args.insert(args.end(), {"--reasoning-parser", parser});
  if (in.multinode) args.insert(args.end(), {"--distributed-executor-backend", "ray"});
  pass_through(mp, args);
  if (!in.multinode) {
    e.command = {"vllm", "serve"};
    e.args = std::move(args);
    return e;
  }
  // vLLM's LeaderWorkerSet recipe: a Ray cluster over the group, vLLM on the leader.
  std::string serve = "exec vllm serve";
  for (const std::string& a : args) serve += " " + shell_quote(a);
  const std::string script = "bash /vllm-workspace/examples/online_serving/multi-node-serving.sh";
  e.leader_command = {"/bin/sh", "-c", script + " leader --ray_cluster_size=$(LWS_GROUP_SIZE) && " + serve};
  e.worker_command = {"/bin/sh", "-c", "exec " + script + " worker --ray_address=$(LWS_LEADER_ADDRESS)"};
  return e;
}

EngineSpec sglang(const EngineInputs& in) {
  const DeploymentPlan& p = *in.plan;
  EngineSpec e;
  e.repository = "lmsysorg/sglang";
  e.tag = "v0.5.4";
  e.queue_metric = "sglang:num_queue_reqs";
  const Json& mp = in.model_parameters;
  Args args = {"--model-path", in.model_path.empty() ? in.hf_id : in.model_path,
               "--served-model-name", in.served_name,
               "--host", "0.0.0.0",
               "--port", std::to_string(in.port),
               "--context-length", std::to_string(p.context),
               "--tp", std::to_string(p.fit.tp)};
  if (p.fit.pp > 1) args.insert(args.end(), {"--pp-size", std::to_string(p.fit.pp)});
  args.insert(args.end(), {"--mem-fraction-static", number(p.gpu_memory_utilization), "--max-running-requests",
                           std::to_string(p.max_num_seqs), "--enable-metrics"});
  const std::string dtype = param_or(mp, "dtype", needs_half(in) ? "half" : "");
  if (!dtype.empty()) args.insert(args.end(), {"--dtype", dtype});
  const std::string parser = param_or(mp, "reasoningParser", reasoning_parser(*in.config, in.hf_id));
  if (!parser.empty()) args.insert(args.end(), {"--reasoning-parser", parser});
  if (!in.api_key_env.empty()) args.insert(args.end(), {"--api-key", "$(" + in.api_key_env + ")"});
  pass_through(mp, args);
  e.command = {"python3", "-m", "sglang.launch_server"};
  if (!in.multinode) {
    e.args = std::move(args);
    return e;
  }
  // Every pod runs the same server; rank 0 (the leader) answers HTTP.
  args.insert(args.end(), {"--dist-init-addr", "$(LWS_LEADER_ADDRESS):20000", "--nnodes", "$(LWS_GROUP_SIZE)",
                           "--node-rank", "$(LWS_WORKER_INDEX)"});
  e.leader_command = e.command;
  e.leader_command.insert(e.leader_command.end(), args.begin(), args.end());
  e.worker_command = e.leader_command;
  e.command.clear();
  return e;
}

EngineSpec llmctl_serve(const EngineInputs& in) {
  const DeploymentPlan& p = *in.plan;
  if (in.multinode || p.fit.tp * p.fit.pp > 1)
    throw usage_error(fmt::format("llmctl serve runs a model on one GPU; {} needs {} GPUs here (--tp {}{})", in.hf_id,
                                  p.fit.tp * p.fit.pp * p.nodes, p.fit.tp,
                                  p.fit.pp > 1 ? fmt::format(" --pp {}", p.fit.pp) : ""),
                      "use --engine vllm, or a GPU that holds the model alone (--instance with a larger GPU)");
  EngineSpec e;
  e.repository = "llmctl";
  e.tag = kVersion;
  e.queue_metric = "vllm:num_requests_waiting";  // llmctl serve exports vLLM's metric names
  e.api_key_env = "LLMCTL_API_KEY";
  const Json& mp = in.model_parameters;
  e.command = {"llmctl", "serve"};
  e.args = {in.model_path.empty() ? in.hf_id : in.model_path,
            "--host", "0.0.0.0",
            "--port", std::to_string(in.port),
            "--served-model-name", in.served_name,
            "--max-model-len", std::to_string(p.context),
            "--max-num-seqs", std::to_string(p.max_num_seqs),
            "--gpu-memory-utilization", number(p.gpu_memory_utilization)};
  const std::string parser = param_or(mp, "reasoningParser", reasoning_parser(*in.config, in.hf_id));
  if (!parser.empty()) e.args.insert(e.args.end(), {"--reasoning-parser", parser});
  pass_through(mp, e.args);
  return e;
}

}  // namespace

const std::vector<std::string>& engine_names() {
  static const std::vector<std::string> names = {"vllm", "sglang", "llmctl"};
  return names;
}

std::string api_key_variable(std::string_view engine) {
  if (engine == "vllm") return "VLLM_API_KEY";
  if (engine == "llmctl") return "LLMCTL_API_KEY";
  return "SGLANG_API_KEY";
}

EngineSpec engine_spec(const EngineInputs& in) {
  EngineSpec e;
  if (in.engine == "vllm")
    e = vllm(in);
  else if (in.engine == "sglang")
    e = sglang(in);
  else if (in.engine == "llmctl")
    e = llmctl_serve(in);
  else
    throw usage_error(fmt::format("unknown engine '{}'", in.engine), "use --engine vllm, sglang or llmctl");
  e.name = in.engine;
  return e;
}

std::string reasoning_parser(const ModelConfig& config, std::string_view hf_id) {
  const auto has = [&](std::string_view s) { return hf_id.find(s) != std::string_view::npos; };
  if (has("DeepSeek-R1")) return "deepseek_r1";
  if (config.family != ModelFamily::qwen3 && config.family != ModelFamily::qwen3_moe) return "";
  if (has("Instruct-2507")) return "";  // the non-thinking 2507 models
  if (has("Thinking-2507")) return "deepseek_r1";
  return "qwen3";
}

std::string kebab_case(std::string_view camel) {
  std::string out;
  for (std::size_t i = 0; i < camel.size(); ++i) {
    const char c = camel[i];
    if (c >= 'A' && c <= 'Z') {
      if (i > 0 && camel[i - 1] != '-' && camel[i - 1] != '_') out += '-';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c == '_' ? '-' : c;
    }
  }
  return out;
}

std::string shell_quote(std::string_view word) {
  const bool safe = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                            "0123456789-_./:=,+@%") == std::string_view::npos;
  if (safe) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace llmctl::render
