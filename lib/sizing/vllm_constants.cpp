// The constants, with their sources. File paths are in vllm-project/vllm.
//
// How they are used (vllm.cpp):
//   requested  = total_gpu_memory x gpu_memory_utilization
//   available  = requested - (weights + activation_peak + non_torch)      [v1: gpu_worker.py
//                determine_available_memory / utils/mem_utils.py memory_profiling]
//   activation_peak (v1) = max(forward(N), N x H x 2 + sampler_bytes_per_logit x B x V)
//   activation_peak (v0) = forward(N)
//   with N = max_num_batched_tokens, B = min(max_num_seqs, N), V = vocab size.
#include "sizing/vllm_constants.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace llmctl {

namespace {

std::vector<VllmConstant> common() {
  return {
      {"gpu_memory_utilization", 0.9, "",
       "vllm/config/cache.py CacheConfig.gpu_memory_utilization default (0.9 in every version modelled)"},
      {"block_size", 16, "tokens",
       "vllm/config/cache.py CacheConfig.block_size: None -> 16 on CUDA (platforms/cuda.py check_and_update_config)"},
      {"vocab_padding", 64, "rows",
       "vllm/model_executor/layers/vocab_parallel_embedding.py DEFAULT_VOCAB_PADDING_SIZE (pad_vocab_size)"},
      {"rope_cache", 1, "bool",
       "vllm/model_executor/layers/rotary_embedding.py RotaryEmbedding._compute_cos_sin_cache: a "
       "[max_position_embeddings, rotary_dim] cache in the model dtype, part of 'Model loading took' "
       "(Llama-3.1-8B: 14.9573 GiB of weights + 0.0313 GiB = the logged 14.9888)"},
      {"cuda_graph_gib", 0.5, "GiB",
       "estimate of 'Graph capturing finished in N secs, took X GiB' (v1/worker/gpu_model_runner.py capture_model); "
       "measured -0.9..+1.0 GiB on H100 with v0.11.0 (llm-d/llm-d-benchmark "
       "config_explorer/empirical-vllm-memory-results.md)"},
      {"cuda_graphs_in_budget", 0, "bool",
       "0: graphs are captured after the KV cache is allocated (v1/worker/gpu_worker.py compile_or_warm_up_model) "
       "and must fit in the (1 - gpu_memory_utilization) margin; 1 models v0.21+, which subtracts them "
       "(VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS)"},
      {"large_gpu_min_gib", 70, "GiB",
       "vllm/engine/arg_utils.py EngineArgs.get_batch_defaults (v1): device_memory >= 70 GiB and 'a100' not in "
       "the device name selects the large defaults below"},
      {"max_num_batched_tokens_large", 8192, "tokens", "get_batch_defaults: UsageContext.OPENAI_API_SERVER, large GPUs"},
      {"max_num_seqs_large", 1024, "sequences", "get_batch_defaults: OPENAI_API_SERVER, large GPUs"},
      {"max_num_batched_tokens_small", 2048, "tokens", "get_batch_defaults: OPENAI_API_SERVER, other GPUs"},
      {"max_num_seqs_small", 256, "sequences", "get_batch_defaults: OPENAI_API_SERVER, other GPUs (and v0)"},
  };
}

VllmConstants build(std::string version, std::string engine, std::vector<VllmConstant> extra) {
  std::vector<VllmConstant> items = common();
  items.insert(items.end(), extra.begin(), extra.end());
  return VllmConstants(std::move(version), std::move(engine), std::move(items));
}

}  // namespace

const std::vector<std::string>& VllmConstants::versions() {
  static const std::vector<std::string> v = {"0.11", "0.7", "0.6"};
  return v;
}

VllmConstants VllmConstants::preset(std::string_view version) {
  if (version == "0.11" || version == "0.11.0" || version.empty()) {
    return build("0.11.0", "v1",
                 {
                     {"sampler_bytes_per_logit", 38.3, "bytes/logit",
                      "v1/worker/gpu_model_runner.py _dummy_sampler_run (profile_run): the torch peak of the sampler "
                      "warm-up over B = min(max_num_seqs, max_num_batched_tokens) rows of V logits (bf16 logits, fp32 "
                      "copy, top-k/top-p sort values+int64 indices and workspace, masks, probabilities); fitted to the "
                      "v0.11.0 H100 'torch peak memory increase' of Llama-3.1-8B (4.76 GiB), Qwen3-0.6B (5.56), "
                      "Qwen3-32B (5.64) and gpt-oss-20b (7.38): 38.25-38.4 bytes per (row x vocab) each; confirmed by "
                      "L40S 'peak activation 1.4 GiB' with B = 256"},
                     {"non_torch_gib_tp1", 0.13, "GiB",
                      "utils/mem_utils.py memory_profiling non_torch_increase (cuBLAS/kernel modules after the init "
                      "snapshot; the CUDA context is not counted): 0.13 GiB measured with TP=1 on H100, v0.11.0"},
                     {"non_torch_gib_tp", 0.55, "GiB",
                      "the same with TP>1 (NCCL and custom all-reduce buffers): 0.54-0.55 GiB measured with TP=2"},
                     {"mxfp4_hopper_hidden_align", 256, "elements",
                      "model_executor/layers/quantization/mxfp4.py (triton_kernels MoE on sm90): the experts' hidden "
                      "dimension is padded to a multiple of 256 (gpt-oss 2880 -> 3072), so 'Model loading took' is "
                      "13.47 GiB for gpt-oss-20b where the checkpoint holds 12.82 GiB"},
                 });
  }
  if (version == "0.7" || version == "0.6") {
    const bool old = version == "0.6";
    return build(old ? "0.6.4" : "0.7.3", "v0",
                 {
                     {"sampler_bytes_per_logit", 0, "bytes/logit",
                      "v0 worker/model_runner.py profile_run: the dummy sampling adds no measurable peak (vllm#10517: "
                      "0.06 GiB total activation at 512 tokens)"},
                     {"non_torch_gib_tp1", old ? 0.35 : 0.05, "GiB",
                      old ? "worker/worker.py determine_num_available_blocks (<= 0.6.4): non-torch = used - torch "
                            "allocated, CUDA context included: 0.35 GiB on RTX 3090 (vllm#10517)"
                          : "worker/worker.py (0.6.5-0.7.x, memory_profiling from a baseline snapshot): 'non_torch_memory "
                            "takes 0.05GiB' (A10, Llama-3.1-8B)"},
                     {"non_torch_gib_tp", old ? 0.6 : 0.25, "GiB",
                      "the same with TP>1: 0.25 GiB logged with TP=2 on RTX 4090 (vllm#13061)"},
                     {"v0_chunked_prefill_above", 32768, "tokens",
                      "engine/arg_utils.py (v0): chunked prefill is enabled by default when max_model_len > 32K"},
                     {"v0_chunked_max_num_batched_tokens", old ? 512.0 : 2048.0, "tokens",
                      old ? "config.py SchedulerConfig: 512 with chunked prefill (v0.6)"
                          : "engine/arg_utils.py: 2048 for the OpenAI server with chunked prefill (v0.7)"},
                     {"v0_min_max_num_batched_tokens", 2048, "tokens",
                      "config.py SchedulerConfig: max(max_model_len, 2048) without chunked prefill"},
                 });
  }
  throw usage_error(fmt::format("unknown vLLM version '{}' to model", version),
                    "--vllm-version takes 0.11 (default, V1 engine), 0.7 or 0.6 (V0 engine)");
}

double VllmConstants::get(std::string_view name) const {
  for (const auto& c : items_)
    if (c.name == name) return c.value;
  return 0;  // a constant the preset does not define (v0-only ones in v1) reads as 0
}

void VllmConstants::set(std::string_view name, double value) {
  for (auto& c : items_) {
    if (c.name != name) continue;
    if (!std::isfinite(value) || value < 0)
      throw usage_error(fmt::format("vLLM constant {} must be a non-negative number, got {}", name, value));
    if (name == "gpu_memory_utilization" && (value <= 0 || value > 1))
      throw usage_error(fmt::format("--gpu-memory-utilization must be in (0, 1], got {}", value));
    if (name == "block_size" && (value < 1 || std::floor(value) != value))
      throw usage_error(fmt::format("--block-size must be a positive whole number, got {}", value));
    c.value = value;
    c.overridden = true;
    return;
  }
  std::string names;
  for (const auto& c : items_) names += (names.empty() ? "" : ", ") + c.name;
  throw usage_error(fmt::format("unknown vLLM constant '{}' for vLLM {}", name, version_), "known: " + names);
}

void VllmConstants::apply(std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw usage_error(fmt::format("--vllm-constant takes name=value, got '{}'", assignment));
  const std::string value(assignment.substr(eq + 1));
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size())
    throw usage_error(fmt::format("--vllm-constant {}: '{}' is not a number", assignment.substr(0, eq), value));
  set(assignment.substr(0, eq), v);
}

}  // namespace llmctl
