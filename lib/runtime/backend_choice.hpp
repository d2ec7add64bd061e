// Which backend runs a session, and how each one turns "a model and its
// weights" into a ModelRunner with a KV cache sized by the sizing module.
//
// CPU: the KV cache gets a fixed space, as vLLM's CPU backend
// (VLLM_CPU_KVCACHE_SPACE, default 4 GiB), never more than max_num_seqs full
// sequences need:
//   bytes_per_token = layers x 2 x kv_heads x head_dim x 4 B   (sizing::kv_cache_shape, fp32)
//   num_blocks      = floor(space / (block_size x bytes_per_token))
#pragma once

#include "engine/model_runner.hpp"
#include "engine/scheduler.hpp"
#include "model/config.hpp"
#include "model/weights.hpp"
#include "runtime/session.hpp"

#include <functional>
#include <memory>
#include <string>

namespace llmctl::runtime {

using Logger = std::function<void(const std::string&)>;

struct BackendChoice {
  Device device = Device::cpu;  // never automatic
  std::string reason;           // "no CUDA device: ..." when auto fell back to the CPU

  // Builds the runner and fills `plan` (device, weight and KV bytes, blocks).
  std::unique_ptr<engine::ModelRunner> build(const ModelConfig& config, ModelWeights weights,
                                             const SessionOptions& options, const engine::SchedulerConfig& scheduler,
                                             MemoryPlan& plan, const Logger& log) const;
};

// auto: CUDA when this build has it and a device answers, else the CPU.
// cuda: an Error naming why it is unavailable.
BackendChoice choose_backend(Device requested);

// The CPU backend's number of KV blocks (see the header comment).
std::int64_t cpu_kv_blocks(const ModelConfig& config, const SessionOptions& options,
                           const engine::SchedulerConfig& scheduler, std::int64_t* bytes_per_token = nullptr);

}  // namespace llmctl::runtime
