// The memory planner (vLLM's determine_available_memory, measured): weights,
// then the activation peak of a profile step of max_num_batched_tokens, then
// the decode graphs, and whatever gpu_memory_utilization leaves becomes KV
// blocks. lib/sizing's predictions are computed for the same configuration and
// logged next to the measured values (the size command's runtime constants
// come from the same place: sizing/runtime.hpp).
#include "backend/cuda/cuda_model_runner.hpp"

#include "backend/cuda/device_info.hpp"
#include "check.hpp"
#include "sizing/kv_cache.hpp"
#include "sizing/runtime.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmctl::cuda {

namespace {

std::string gib(std::int64_t bytes) { return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1 << 30)); }

std::int64_t used_bytes(const CudaContext& ctx) {
  std::size_t free_bytes = 0, total = 0;
  ctx.memory_info(free_bytes, total);
  return static_cast<std::int64_t>(total - free_bytes);
}

}  // namespace

std::string CudaMemoryReport::summary() const {
  return fmt::format(
      "{} (sm {}): {} total; weights {} (predicted {}), activations {} (predicted {}), CUDA graphs {}, "
      "KV cache {} = {} blocks x {} tokens x {} B/token (predicted {} B/token); in use {} of {}",
      device_name, compute_capability, gib(total_bytes), gib(weight_bytes), gib(predicted_weight_bytes),
      gib(activation_bytes), gib(predicted_activation_bytes), gib(graph_bytes), gib(kv_cache_bytes), num_blocks,
      block_size, kv_bytes_per_token, predicted_kv_bytes_per_token, gib(peak_used_bytes), gib(total_bytes));
}

void CudaModelRunner::plan_memory(CudaMemoryReport* out) {
  CudaMemoryReport& r = report_;
  r.device_name = ctx_.name();
  r.compute_capability = fmt::format("{}.{}", ctx_.cc_major(), ctx_.cc_minor());
  r.block_size = options_.block_size;
  r.kv_bytes_per_token = static_cast<std::int64_t>(layers_.size()) * 2 * kv_heads_ * head_dim_ * 2;
  // Predictions (lib/sizing).
  for (const ExpectedTensor& t : expected_tensors(config_)) {
    if (t.optional) continue;  // a tied lm_head is not stored twice
    std::int64_t n = 1;
    for (std::int64_t d : t.shape) n *= d;
    r.predicted_weight_bytes += 2 * n;
  }
  KvPrecision bf16;
  bf16.name = "bf16";
  bf16.bytes = 2;
  bf16.source = "CUDA backend: bf16 KV cache";
  r.predicted_kv_bytes_per_token = static_cast<std::int64_t>(kv_cache_shape(config_, bf16).bytes_per_token());
  r.predicted_activation_bytes =
      static_cast<std::int64_t>(activation_bytes_per_token(config_, 2)) * options_.max_num_batched_tokens;
  r.predicted_overhead_bytes = static_cast<std::int64_t>(runtime_overheads(r.compute_capability, 0, 0).total());

  const std::int64_t before_activations = used_bytes(ctx_);
  allocate_activations();
  // Profile step on a temporary cache just large enough for it.
  const std::int64_t profile_tokens = std::min(max_tokens_, options_.max_model_len);
  allocate_kv((profile_tokens + options_.block_size - 1) / options_.block_size);
  const std::int64_t temp_kv = static_cast<std::int64_t>(kv_.bytes());
  forward_device(dummy_batch(profile_tokens));
  ctx_.synchronize();
  const std::int64_t after_profile = used_bytes(ctx_);
  r.activation_bytes = after_profile - before_activations - temp_kv;
  capture_graphs();
  r.graph_bytes = std::max<std::int64_t>(0, used_bytes(ctx_) - after_profile);
  destroy_graphs();  // they point at the temporary cache
  kv_.reset();
  num_blocks_ = 0;

  std::int64_t blocks = options_.num_kv_blocks;
  const std::int64_t block_bytes = r.kv_bytes_per_token * options_.block_size;
  if (blocks <= 0) {
    const double budget = static_cast<double>(r.total_bytes) * options_.gpu_memory_utilization -
                          static_cast<double>(used_bytes(ctx_) + r.graph_bytes);
    blocks = budget > 0 ? static_cast<std::int64_t>(budget / static_cast<double>(block_bytes)) : 0;
    if (blocks < max_blocks_per_seq_)
      throw usage_error(fmt::format("the KV cache gets {} blocks of {} tokens on {} at gpu_memory_utilization {}; "
                                    "one sequence of max_model_len {} needs {}",
                                    blocks, options_.block_size, r.device_name, options_.gpu_memory_utilization,
                                    options_.max_model_len, max_blocks_per_seq_),
                        "raise --gpu-memory-utilization or lower --max-model-len / --max-num-seqs");
  }
  allocate_kv(blocks);
  capture_graphs();
  ctx_.synchronize();
  r.num_blocks = blocks;
  r.kv_cache_bytes = static_cast<std::int64_t>(kv_.bytes());
  r.peak_used_bytes = used_bytes(ctx_);
  if (options_.log) options_.log("CUDA memory: " + r.summary());
  if (out) *out = r;
}

bool cuda_device_available() { return cuda_unavailable_reason().empty(); }

std::string cuda_unavailable_reason() {
  try {
    const RuntimeInfo info = query_runtime();
    if (info.status != "ok") return info.status;
    if (info.devices.empty()) return "no CUDA device";
    for (const DeviceInfo& d : info.devices)
      if (d.compute_capability_major >= 8) return "";
    return fmt::format("{} has compute capability {}.{} < 8.0", info.devices[0].name,
                       info.devices[0].compute_capability_major, info.devices[0].compute_capability_minor);
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::unique_ptr<engine::ModelRunner> make_cuda_runner(const ModelConfig& config, const ModelWeights& weights,
                                                      const CudaRunnerOptions& options, CudaMemoryReport* report) {
  return std::make_unique<CudaModelRunner>(config, weights, options, report);
}

}  // namespace llmctl::cuda
