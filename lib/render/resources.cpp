// Requests are a share of the node: share = GPUs of the pod / GPUs of the
// instance; cpu = floor(vCPUs x share x 0.85), memory = floor(RAM x share x
// 0.85) GiB, leaving 15% to the kubelet, the system and the GPU daemonsets.
// Without an instance (a bare --gpu): 4 cores and 16 GiB per GPU.
// /dev/shm = 1 GiB + 2 GiB per extra GPU of the pod (NCCL's buffers), at most
// half the memory request (a Memory emptyDir counts against the limit).
// Start-up: 300 s + 10 s per GB of weights (a 100 MB/s download), at least the
// chart's 600 s. Grace: 30 s + the time to decode min(context, 8192) tokens
// at half the memory-bandwidth bound of one sequence, 30..600 s.
#include "render/resources.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace llmctl::render {

namespace {

using u64 = std::uint64_t;

u64 round_up(u64 v, u64 step) { return (v + step - 1) / step * step; }

}  // namespace

std::string gibibytes(u64 gib) { return fmt::format("{}Gi", gib); }

PodSizing size_pod(const DeploymentPlan& plan, const WeightsEstimate& weights) {
  PodSizing s;
  s.gpu_resource = plan.gpu.runtime == "rocm" ? "amd.com/gpu" : "nvidia.com/gpu";
  s.gpus = plan.gpus_per_pod;
  u64 memory_gib = 0;
  if (plan.instance && plan.instance->gpus > 0) {
    const double share = static_cast<double>(s.gpus) / static_cast<double>(plan.instance->gpus);
    const u64 cpu = std::max<u64>(1, static_cast<u64>(std::floor(static_cast<double>(plan.instance->vcpus) * share * 0.85)));
    memory_gib = std::max<u64>(2, static_cast<u64>(std::floor(plan.instance->ram_gib * share * 0.85)));
    s.cpu = std::to_string(cpu);
    s.formula = fmt::format("85% of {} of {}'s {} vCPUs and {} GiB", s.gpus == plan.instance->gpus ? std::string("all")
                                                                      : fmt::format("{}/{}", s.gpus, plan.instance->gpus),
                            plan.instance->name, plan.instance->vcpus, plan.instance->ram_gib);
  } else {
    s.cpu = std::to_string(4 * s.gpus);
    memory_gib = 16 * s.gpus;
    s.formula = fmt::format("4 cores and 16 GiB per {} (no instance type)", plan.gpu.name);
  }
  s.memory = gibibytes(memory_gib);
  const u64 tp_in_pod = std::min<u64>(s.gpus, plan.fit.tp * plan.fit.pp);
  s.shm = gibibytes(std::clamp<u64>(1 + 2 * (tp_in_pod - 1), 1, std::max<u64>(1, memory_gib / 2)));

  const double gb = static_cast<double>(weights.bytes) / 1e9;
  s.startup_seconds = round_up(std::max<u64>(600, 300 + static_cast<u64>(std::ceil(gb * 10))), s.probe_period);

  const double per_sequence = plan.fit.decode_tokens_per_s / static_cast<double>(std::max<u64>(1, plan.concurrency));
  double drain = 600;
  if (per_sequence > 0)
    drain = std::clamp(static_cast<double>(std::min<u64>(plan.context, 8192)) / (0.5 * per_sequence), 30.0, 600.0);
  s.termination_grace_seconds = round_up(30 + static_cast<u64>(std::ceil(drain)), 10);

  const u64 gib = 1ULL << 30;
  const u64 cache = round_up((weights.bytes + weights.bytes / 4 + gib - 1) / gib, 10);
  s.cache_size = gibibytes(std::max<u64>(10, cache));
  return s;
}

}  // namespace llmctl::render
