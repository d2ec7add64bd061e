// Tensor and pipeline parallelism as vLLM lays a model out: which layers each
// pipeline stage holds and how many KV heads each tensor-parallel rank keeps.
#pragma once

#include "model/config.hpp"

#include <cstdint>
#include <vector>

namespace llmctl {

// Checks vLLM's rules: num_attention_heads % tp == 0, and the KV heads either
// split evenly (n_kv % tp == 0) or are replicated (tp % n_kv == 0);
// 1 <= pp <= num_hidden_layers. Throws a usage Error naming the rule.
void check_parallelism(const ModelConfig& config, std::uint64_t tp, std::uint64_t pp);

// One pipeline stage: layers [first, first + count).
struct PipelineStage {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};

// vLLM get_pp_indices(): L / pp layers each, the remainder going one apiece
// to the stages just before the last (the last stage also runs the lm_head).
std::vector<PipelineStage> pipeline_stages(std::uint64_t layers, std::uint64_t pp);

// KV heads one TP rank stores: n_kv / tp, or 1 (a replica) when tp > n_kv.
std::uint64_t kv_heads_per_rank(const ModelConfig& config, std::uint64_t tp);

}  // namespace llmctl
