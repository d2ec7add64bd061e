#include "runtime/backend_choice.hpp"

#include "backend/cpu/cpu_model_runner.hpp"
#include "sizing/dtype.hpp"
#include "sizing/kv_cache.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>

#ifdef LLMCTL_WITH_CUDA
#include "backend/cuda/cuda_runner.hpp"
#endif

namespace llmctl::runtime {

namespace {

constexpr std::int64_t kDefaultCpuKvSpace = std::int64_t{4} << 30;  // vLLM's VLLM_CPU_KVCACHE_SPACE default, 4 GiB

}  // namespace

std::int64_t cpu_kv_blocks(const ModelConfig& config, const SessionOptions& options,
                           const engine::SchedulerConfig& scheduler, std::int64_t* bytes_per_token) {
  KvPrecision fp32;
  fp32.name = "fp32";
  fp32.bytes = 4;
  fp32.source = "the CPU backend's fp32 KV cache";
  const KvCacheShape shape = kv_cache_shape(config, fp32);
  // Every layer keeps every token on the CPU backend (no sliding-window savings).
  const auto per_token = static_cast<std::int64_t>(shape.layers() * shape.per_layer_bytes_per_token);
  if (bytes_per_token) *bytes_per_token = per_token;
  if (options.num_kv_blocks > 0) return options.num_kv_blocks;
  const std::int64_t block = options.block_size;
  const std::int64_t space = options.cpu_kv_cache_bytes > 0 ? options.cpu_kv_cache_bytes : kDefaultCpuKvSpace;
  const std::int64_t from_space = space / std::max<std::int64_t>(1, block * per_token);
  const std::int64_t blocks_per_seq = (scheduler.max_model_len + block - 1) / block;
  const std::int64_t needed = scheduler.max_num_seqs * blocks_per_seq;  // more could never be used
  return std::min(from_space, needed);
}

BackendChoice choose_backend(Device requested) {
  BackendChoice choice;
  if (requested == Device::cpu) return choice;
#ifdef LLMCTL_WITH_CUDA
  if (cuda::cuda_device_available()) {
    choice.device = Device::cuda;
    return choice;
  }
  const std::string why = cuda::cuda_unavailable_reason();
  if (requested == Device::cuda)
    throw runtime_error(fmt::format("--device cuda: no usable CUDA device ({})", why),
                        "use --device cpu (or auto), or run on a machine with an NVIDIA GPU of compute capability 8.0+");
  choice.reason = fmt::format("no usable CUDA device: {}", why);
#else
  if (requested == Device::cuda)
    throw usage_error("--device cuda: this build of llmctl has no CUDA backend",
                      "use --device cpu (or auto), or build with LLMCTL_CUDA=ON on a machine with nvcc");
  choice.reason = "this build has no CUDA backend";
#endif
  return choice;
}

std::unique_ptr<engine::ModelRunner> BackendChoice::build(const ModelConfig& config, ModelWeights weights,
                                                          const SessionOptions& options,
                                                          const engine::SchedulerConfig& scheduler, MemoryPlan& plan,
                                                          const Logger& log) const {
#ifdef LLMCTL_WITH_CUDA
  if (device == Device::cuda) {
    cuda::CudaRunnerOptions o;
    o.block_size = options.block_size;
    o.max_num_seqs = scheduler.max_num_seqs;
    o.max_num_batched_tokens = scheduler.max_num_batched_tokens;
    o.max_model_len = scheduler.max_model_len;
    o.gpu_memory_utilization = options.gpu_memory_utilization;
    o.num_kv_blocks = options.num_kv_blocks;
    o.log = log;
    cuda::CudaMemoryReport report;
    auto runner = cuda::make_cuda_runner(config, weights, o, &report);
    plan.device = report.device_name;
    plan.weight_dtype = "bfloat16";
    plan.weight_bytes = report.weight_bytes;
    plan.kv_bytes_per_token = report.kv_bytes_per_token;
    plan.kv_cache_bytes = report.kv_cache_bytes;
    plan.num_blocks = report.num_blocks;
    plan.block_size = report.block_size > 0 ? report.block_size : options.block_size;
    return runner;
  }
#endif
  std::int64_t per_token = 0;
  plan.device = "cpu";
  plan.block_size = options.block_size;
  plan.num_blocks = cpu_kv_blocks(config, options, scheduler, &per_token);
  plan.kv_bytes_per_token = per_token;
  plan.kv_cache_bytes = plan.num_blocks * plan.block_size * per_token;
  if (log)
    log(fmt::format("Using the CPU backend{}: weights {} ({:.2f} GiB)", reason.empty() ? "" : fmt::format(" ({})", reason),
                    plan.weight_dtype, static_cast<double>(plan.weight_bytes) / (1024.0 * 1024.0 * 1024.0)));
  return std::make_unique<backend::cpu::CpuModelRunner>(config, std::move(weights), plan.num_blocks, plan.block_size);
}

}  // namespace llmctl::runtime
