// What to deploy: the sizing module's answer for the model on an instance (or
// a bare GPU type, or the cheapest instance of the catalog): tensor- and
// pipeline-parallel sizes, nodes per replica, --max-model-len, --max-num-seqs
// and --gpu-memory-utilization. A model that fits nowhere, an instance that
// cannot hold it or a TP that does not divide its heads is a check_failed
// Error (exit 3) whose hint is the nearest configuration that works.
#pragma once

#include "model/config.hpp"
#include "sizing/fit.hpp"
#include "sizing/hardware.hpp"
#include "sizing/weights.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::render {

struct PlanRequest {
  const ModelConfig* config = nullptr;
  const WeightsEstimate* weights = nullptr;
  std::string model;       // for messages
  std::string gpu;         // a catalog GPU, when no instance type is known
  std::string instance;    // an instance of the catalog
  std::string provider = "aws";  // where the cheapest instance is looked for when neither is given
  bool prefer_bf16 = true;       // ... and skip GPUs without bf16 for a bf16 model
  std::optional<std::uint64_t> context;      // default: the model's maximum (shorter when it fits nowhere)
  std::optional<std::uint64_t> concurrency;  // sequences of `context` held at once
  std::optional<std::uint64_t> tp;
  std::optional<std::uint64_t> pp;
  std::optional<std::uint64_t> max_num_seqs;  // given as an engine flag
  std::optional<std::uint64_t> max_num_batched_tokens;
  std::optional<double> gpu_memory_utilization;
};

struct DeploymentPlan {
  Fit fit;                          // fits
  Accelerator gpu;
  std::optional<Instance> instance;  // unset for a bare GPU type
  bool instance_chosen = false;     // the cheapest of the catalog (no --instance or --gpu)
  std::uint64_t context = 0;        // --max-model-len
  bool context_reduced = false;     // the model's maximum fits nowhere: the longest that does
  std::uint64_t concurrency = 1;    // sequences of `context` the fit was checked for
  std::uint64_t max_num_seqs = 0;   // --max-num-seqs
  double gpu_memory_utilization = 0.9;
  std::uint64_t nodes = 1;          // pods per replica (a LeaderWorkerSet group when > 1)
  std::uint64_t gpus_per_pod = 1;
  std::vector<std::string> notes;   // for stderr
  std::string summary;              // one line: model, hardware, what vLLM holds
};

DeploymentPlan plan_deployment(const PlanRequest& request, const HardwareCatalog& hardware);

}  // namespace llmctl::render
