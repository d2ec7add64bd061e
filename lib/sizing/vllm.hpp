// What vLLM will do with a GPU: its memory budget, the KV blocks it
// allocates, the start-up lines it prints ("GPU KV cache size: N tokens",
// "Maximum concurrency for L tokens per request: Cx", "# GPU blocks: N" in
// the V0 engine) and the exact condition under which it refuses to start.
// Every constant comes from vllm_constants.hpp.
#pragma once

#include "model/config.hpp"
#include "sizing/dtype.hpp"
#include "sizing/hardware.hpp"
#include "sizing/kv_cache.hpp"
#include "sizing/vllm_constants.hpp"
#include "sizing/weights.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl {

struct VllmSetup {
  std::uint64_t max_model_len = 0;
  std::optional<std::uint64_t> max_num_batched_tokens;  // --max-num-batched-tokens
  std::optional<std::uint64_t> max_num_seqs;            // --max-num-seqs
  std::uint64_t tp = 1;
  std::uint64_t pp = 1;
  VllmConstants constants = VllmConstants::preset("0.11");
};

struct VllmPrediction {
  std::string version;  // "0.11.0"
  std::string engine;   // "v1" / "v0"
  std::string gpu;
  bool gpu_memory_measured = false;  // the GPU's total is a published figure, not an estimate
  double gpu_memory_utilization = 0.9;
  std::uint64_t block_size = 16;
  std::uint64_t max_num_batched_tokens = 0;
  std::uint64_t max_num_seqs = 0;
  std::string batch_defaults;  // why these batch sizes ("defaults for GPUs >= 70 GiB", "--max-num-seqs", ...)

  std::uint64_t total_memory = 0;      // cudaMemGetInfo total
  std::uint64_t requested_memory = 0;  // total x gpu_memory_utilization
  // The pipeline stage with the fewest blocks (the one that decides):
  std::uint64_t stage = 0;
  std::uint64_t weights = 0;           // "Model loading took": weight shard + rope cache
  std::uint64_t rope_cache = 0;
  std::uint64_t activation_forward = 0;
  std::uint64_t activation_sampler = 0;  // hidden states + sampler warm-up (v1, last stage)
  std::uint64_t activation_peak = 0;
  std::uint64_t non_torch = 0;
  std::uint64_t cuda_graphs_in_budget = 0;
  std::int64_t available_kv = 0;       // requested - everything above; may be negative

  std::uint64_t page_size = 0;         // one layer's block: block_size x bytes per token per layer
  std::uint64_t num_groups = 1;        // KV cache groups (hybrid sliding/full models have several)
  std::uint64_t group_size = 0;        // layers per group (the number of block tensors)
  std::uint64_t num_blocks = 0;
  std::uint64_t kv_cache_tokens = 0;   // "GPU KV cache size: N tokens"
  double max_concurrency = 0;          // "Maximum concurrency for L tokens per request: Cx"
  std::uint64_t blocks_per_request = 0;
  std::uint64_t needed_memory = 0;     // KV one request of max_model_len needs
  std::uint64_t max_model_len_fits = 0;  // the largest --max-model-len that starts (capped at the model's maximum)

  bool starts = false;
  std::string error;                   // vLLM's exact refusal, when it refuses
  std::vector<std::string> log_lines;  // the predicted start-up lines
};

VllmPrediction predict_vllm(const ModelConfig& config, const WeightsEstimate& weights, const KvPrecision& kv,
                            const Accelerator& gpu, const VllmSetup& setup);

// Blocks one request of `tokens` tokens needs (v1: summed over the KV cache
// groups; v0: ceil(tokens / block_size)), for the fit's concurrency figures.
std::uint64_t vllm_blocks_for_tokens(const VllmPrediction& prediction, const KvCacheShape& shape,
                                     std::uint64_t tokens);

// The activation dtype vLLM runs the model in (bytes): 2, or 4 for --dtype fp32.
unsigned vllm_activation_bytes(const WeightPrecision& precision);

// "12,345" as vLLM's f"{n:,}" prints it.
std::string with_commas(std::uint64_t n);

}  // namespace llmctl
