// `llmctl size` as a library call: a model's config and weights in, every
// figure of the report out (parameters, weights by precision, KV cache, the
// exact method's total, vLLM's prediction and the fit on a GPU or instance,
// or the fit table across the catalog, and the guide's method).
#pragma once

#include "model/config.hpp"
#include "sizing/dtype.hpp"
#include "sizing/estimate.hpp"
#include "sizing/fit.hpp"
#include "sizing/guide.hpp"
#include "sizing/hardware.hpp"
#include "sizing/kv_cache.hpp"
#include "sizing/parameters.hpp"
#include "sizing/vllm_constants.hpp"
#include "sizing/weights.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl {

struct SizeInputs {
  std::string kv_dtype = "auto";
  std::optional<std::int64_t> context;      // default: the model's max_position_embeddings
  std::int64_t concurrency = 1;
  std::optional<std::int64_t> tp;           // default 1 (a --gpu) or the smallest that fits (an instance)
  std::optional<std::int64_t> pp;
  std::optional<std::int64_t> max_num_batched_tokens;
  std::optional<std::int64_t> max_num_seqs;
  VllmConstants constants = VllmConstants::preset("0.11");
  std::string gpu;                          // --gpu (at most one of gpu / instance)
  std::string instance;                     // --instance
  bool guide = false;
};

struct SizeReport {
  // Where things came from.
  std::string model;             // HF id or path
  std::string config_source;     // e.g. "built-in catalog (qwen3-1.7b)"
  std::string config_source_kind;
  ModelConfig config;
  ParameterBreakdown params;
  WeightsEstimate weights;
  KvPrecision kv;
  KvCacheShape kv_model;         // the whole model on one GPU (tp 1, pp 1)
  std::uint64_t context = 0;
  bool context_is_default = false;
  std::uint64_t concurrency = 1;
  std::uint64_t tp = 1;
  std::uint64_t pp = 1;
  std::uint64_t prefill_tokens = 0;
  MemoryEstimate estimate;       // the exact method (on the chosen GPU when one is given)
  VllmConstants constants = VllmConstants::preset("0.11");
  std::optional<Fit> fit;        // --gpu / --instance
  std::optional<Fit> suggestion; // when the fit fails on the --gpu: the smallest TP that works
  std::vector<Fit> table;        // neither: every instance, fitting and cheapest first
  std::optional<GuideEstimate> guide;
  std::vector<std::string> notes;
};

// Checks the inputs (usage Errors for zero/negative values, an unknown GPU or
// instance, a TP that does not divide the heads) and computes the report.
SizeReport size_model(const ModelConfig& config, WeightsEstimate weights, const SizeInputs& inputs,
                      const HardwareCatalog& hardware);

}  // namespace llmctl
