// Weight bytes: from the config (every tensor's shape at the chosen
// precision) or from safetensors headers (the bytes actually stored), and the
// share one GPU holds under tensor and pipeline parallelism.
#pragma once

#include "model/config.hpp"
#include "model/safetensors.hpp"
#include "sizing/dtype.hpp"
#include "sizing/tensors.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl {

// Parameters and bytes stored in one type ("bf16", "fp8", "q6_K", ...).
struct WeightTypeTotal {
  std::string type;
  std::uint64_t params = 0;
  std::uint64_t bytes = 0;
};

struct WeightsEstimate {
  WeightPrecision precision;
  std::string source_kind;    // "config", "local_headers", "hub_headers"
  std::string source;         // what the user reads: "computed from config.json (...)", "safetensors headers of ..."
  std::vector<TensorGroup> tensors;
  std::vector<StoredTensor> stored;  // parallel to `tensors`
  std::uint64_t params = 0;          // parameters (packed formats at their real count)
  std::uint64_t bytes = 0;           // everything stored, scales included
  std::uint64_t aux_bytes = 0;       // of which scales / zero points / g_idx of a checkpoint
  std::vector<WeightTypeTotal> by_type;  // largest first
  std::vector<std::string> notes;
};

WeightsEstimate weights_from_config(const ModelConfig& config, const WeightPrecision& precision);

// `source` describes where the headers came from.
WeightsEstimate weights_from_checkpoint(const ModelConfig& config, const Checkpoint& checkpoint,
                                        const WeightPrecision& precision, std::string source_kind,
                                        std::string source);

// Bytes each pipeline stage's GPUs hold (per TP rank), stage by stage. With
// `vllm_layout` the vocabulary is padded to a multiple of 64 as vLLM's
// VocabParallelEmbedding does, and a tied model's last stage holds its own
// copy of the embedding as lm_head when pp > 1.
std::vector<std::uint64_t> weight_bytes_per_stage(const WeightsEstimate& weights, const ModelConfig& config,
                                                  std::uint64_t tp, std::uint64_t pp, bool vllm_layout);

}  // namespace llmctl
