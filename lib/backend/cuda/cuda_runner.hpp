// The CUDA backend's entry points, in plain C++ (no CUDA headers) so that
// lib/runtime can include it. Built only with LLMCTL_WITH_CUDA.
//
//   if (cuda::cuda_device_available()) {
//     cuda::CudaRunnerOptions opts; opts.max_num_seqs = 256; ...
//     cuda::CudaMemoryReport mem;
//     auto runner = cuda::make_cuda_runner(config, weights, opts, &mem);   // plans and allocates the KV cache
//     BlockManager blocks(mem.num_blocks, opts.block_size, prefix_caching); ...
//   }
#pragma once

#include "engine/model_runner.hpp"
#include "model/config.hpp"
#include "model/weights.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace llmctl::cuda {

struct CudaRunnerOptions {
  int device = 0;
  std::int64_t block_size = 16;
  std::int64_t max_num_seqs = 256;
  std::int64_t max_num_batched_tokens = 2048;  // tokens of one step (activation buffers are sized for it)
  std::int64_t max_model_len = 4096;           // longest sequence (block tables, decode partitions)
  double gpu_memory_utilization = 0.9;         // share of the device's memory for everything of this process
  std::int64_t num_kv_blocks = 0;              // > 0: exactly this many KV blocks (tests), no planning
  bool cuda_graphs = true;                     // decode under CUDA graphs (batch 1, 2, 4, ... max_num_seqs)
  bool device_sampling = true;                 // the Engine samples through ModelRunner::sample on the GPU
  std::function<void(const std::string&)> log; // progress and the memory plan, when given
};

// What the memory planner measured, next to what lib/sizing predicts.
struct CudaMemoryReport {
  std::string device_name;
  std::string compute_capability;              // "9.0"
  std::int64_t total_bytes = 0;                // the device's memory
  std::int64_t free_at_start = 0;              // before this runner allocated anything
  std::int64_t weight_bytes = 0;               // measured: bf16 weights as uploaded
  std::int64_t activation_bytes = 0;           // measured: buffers + growth in the profile step
  std::int64_t graph_bytes = 0;                // measured: captured decode graphs
  std::int64_t kv_cache_bytes = 0;
  std::int64_t num_blocks = 0;
  std::int64_t block_size = 0;
  std::int64_t kv_bytes_per_token = 0;         // layers x 2 x kv_heads x head_dim x 2 B
  std::int64_t peak_used_bytes = 0;            // device memory in use once the KV cache is allocated
  // lib/sizing's predictions for the same configuration.
  std::int64_t predicted_weight_bytes = 0;      // expected tensors x 2 B
  std::int64_t predicted_activation_bytes = 0;  // activation_bytes_per_token(bf16) x max_num_batched_tokens
  std::int64_t predicted_kv_bytes_per_token = 0;  // kv_cache_shape(bf16).bytes_per_token()
  std::int64_t predicted_overhead_bytes = 0;    // runtime_overheads: CUDA context + cuBLAS workspace

  // "weights 3.44 GB (predicted 3.44 GB), activations ..., KV cache N blocks ..."
  std::string summary() const;
};

// True when the CUDA runtime finds a device of compute capability >= 8.0.
// Never throws.
bool cuda_device_available();
// Why cuda_device_available() is false ("no CUDA driver", "compute capability 7.5 < 8.0"), or "".
std::string cuda_unavailable_reason();

// The CUDA ModelRunner for `config` (Qwen3 / Qwen2 / Llama / Mistral, as the
// CPU runner): uploads `weights` in bf16, profiles a step of
// max_num_batched_tokens, captures the decode graphs, and sizes the KV cache
// from gpu_memory_utilization (or takes num_kv_blocks). `report` (optional)
// receives the plan; its num_blocks is the BlockManager's size. Usage Errors
// for a config it cannot run or a KV cache that cannot hold one sequence of
// max_model_len; runtime Errors for CUDA failures.
std::unique_ptr<engine::ModelRunner> make_cuda_runner(const ModelConfig& config, const ModelWeights& weights,
                                                      const CudaRunnerOptions& options,
                                                      CudaMemoryReport* report = nullptr);

}  // namespace llmctl::cuda
