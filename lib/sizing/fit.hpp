// Does the model fit a GPU or an instance, and which is the cheapest that
// does: vLLM's prediction on each, the smallest tensor-parallel size (and
// node count) that works, headroom, the longest context at the requested
// concurrency, the most sequences at the requested context, a decode
// tokens/s upper bound from memory bandwidth, and its cost.
#pragma once

#include "model/config.hpp"
#include "sizing/estimate.hpp"
#include "sizing/hardware.hpp"
#include "sizing/vllm.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl {

struct FitInputs {
  const ModelConfig* config = nullptr;
  const WeightsEstimate* weights = nullptr;
  KvPrecision kv;
  std::uint64_t context = 0;
  std::uint64_t concurrency = 1;
  std::optional<std::uint64_t> tp;  // forced by --tp; otherwise the smallest that fits
  std::optional<std::uint64_t> pp;  // forced by --pp
  std::optional<std::uint64_t> max_num_batched_tokens;
  std::optional<std::uint64_t> max_num_seqs;
  VllmConstants constants = VllmConstants::preset("0.11");
};

struct Fit {
  std::string gpu;
  std::string instance;               // empty for a bare --gpu
  std::string provider;
  std::uint64_t gpus_per_node = 1;
  std::uint64_t tp = 1;
  std::uint64_t pp = 1;
  std::uint64_t nodes = 1;            // = pp when the model spans several machines
  bool fits = false;
  std::string reason;                 // why not, or how (one line)
  bool vllm_modelled = false;         // false on non-CUDA/ROCm accelerators (Inferentia2)
  VllmPrediction vllm;
  MemoryEstimate estimate;            // the exact method on this GPU
  std::int64_t headroom = 0;          // bytes left after the workload's KV (vLLM's budget; exact method otherwise)
  std::uint64_t max_context = 0;      // longest context with `concurrency` sequences
  std::uint64_t max_concurrency = 0;  // most sequences of `context` tokens
  std::uint64_t replicas = 1;         // model copies one machine holds (data parallel)
  double decode_tokens_per_s = 0;     // upper bound from memory bandwidth, one copy
  double instance_tokens_per_s = 0;   // x replicas: what the machine can produce
  std::optional<double> usd_per_hour;
  std::optional<double> usd_per_million_tokens;
  std::string price_date;
};

// The model on `gpus_per_node` x `gpu` (an instance's, or a bare --gpu),
// trying tp = 1, 2, 4, ... on one node, then 2..8 nodes of pipeline stages.
Fit fit_on(const FitInputs& in, const Accelerator& gpu, std::uint64_t gpus_per_node, const Instance* instance);

// Every instance of the catalog, fitting ones first, cheapest first.
std::vector<Fit> fit_catalog(const FitInputs& in, const HardwareCatalog& catalog);

}  // namespace llmctl
