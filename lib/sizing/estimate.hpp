// The exact method, per GPU: weights + KV cache for the workload +
// activations of a prefill + runtime overheads. The figure a user compares
// with the GPU's memory (vLLM's own budget is vllm.hpp).
#pragma once

#include "model/config.hpp"
#include "sizing/dtype.hpp"
#include "sizing/kv_cache.hpp"
#include "sizing/runtime.hpp"
#include "sizing/vllm_constants.hpp"
#include "sizing/weights.hpp"

#include <cstdint>
#include <string>

namespace llmctl {

struct Workload {
  std::uint64_t context = 0;       // tokens per sequence
  std::uint64_t concurrency = 1;   // sequences held at once
  std::uint64_t tp = 1;
  std::uint64_t pp = 1;
  std::uint64_t prefill_tokens = 2048;  // max_num_batched_tokens: tokens of one forward pass
};

struct MemoryEstimate {
  std::uint64_t stage = 0;             // the pipeline stage holding the most
  std::uint64_t weights = 0;           // weight shard of one GPU
  std::uint64_t kv_per_sequence = 0;   // one sequence of `context` tokens on that GPU
  std::uint64_t kv = 0;                // x concurrency
  std::uint64_t activation_per_token = 0;
  std::uint64_t activation_forward = 0;  // prefill_tokens x per token
  std::uint64_t logits = 0;              // min(concurrency, prefill_tokens) rows x vocab x 4 B (fp32 sampling)
  std::uint64_t activation = 0;          // forward + logits
  RuntimeOverheads runtime;
  std::uint64_t total = 0;             // per GPU
  std::uint64_t total_all_gpus = 0;    // every stage and rank
};

// `compute_capability` may be empty (no GPU chosen).
MemoryEstimate estimate_memory(const ModelConfig& config, const WeightsEstimate& weights, const KvPrecision& kv,
                               const Workload& workload, const VllmConstants& constants,
                               const std::string& compute_capability);

}  // namespace llmctl
