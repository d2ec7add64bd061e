// What one pod needs from its node, derived from the plan: GPUs, CPU and
// memory requests (a share of the instance, so the pod is never BestEffort),
// /dev/shm sized for tensor parallelism, a start-up budget scaled to the
// weights to download and load, a termination grace period long enough to
// finish a long generation, and the size of a Hugging Face cache volume.
#pragma once

#include "render/plan.hpp"
#include "sizing/weights.hpp"

#include <cstdint>
#include <string>

namespace llmctl::render {

struct PodSizing {
  std::string gpu_resource;          // nvidia.com/gpu, or amd.com/gpu on ROCm
  std::uint64_t gpus = 1;
  std::string cpu;                   // request, whole cores: "6"
  std::string memory;                // request and limit: "27Gi"
  std::string shm;                   // /dev/shm sizeLimit: "1Gi"
  std::uint64_t startup_seconds = 600;   // startupProbe period x failureThreshold
  std::uint64_t probe_period = 10;
  std::uint64_t termination_grace_seconds = 60;
  std::uint64_t prestop_sleep_seconds = 10;
  std::string cache_size;            // "20Gi": the weights plus 25%, rounded up to 10Gi
  std::string formula;               // how cpu/memory were chosen, one line
};

PodSizing size_pod(const DeploymentPlan& plan, const WeightsEstimate& weights);

// "27Gi" for whole GiB.
std::string gibibytes(std::uint64_t gib);

}  // namespace llmctl::render
