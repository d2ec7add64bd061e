// Per GPU, for the pipeline stage that holds the most:
//   total = weights_shard + concurrency x kv_sequence_bytes(context)
//         + prefill_tokens x activation_bytes_per_token + rows x vocab x 4
//         + cuda_context + cublas_workspace + non_torch + cuda_graphs
#include "sizing/estimate.hpp"

#include "sizing/vllm.hpp"

#include <algorithm>
#include <cmath>

namespace llmctl {

MemoryEstimate estimate_memory(const ModelConfig& c, const WeightsEstimate& w, const KvPrecision& kv,
                               const Workload& load, const VllmConstants& k, const std::string& cc) {
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  const auto gib = [&](const char* name) { return static_cast<std::uint64_t>(std::llround(k.get(name) * kGiB)); };
  const std::vector<std::uint64_t> stage_weights = weight_bytes_per_stage(w, c, load.tp, load.pp, false);
  const unsigned act = vllm_activation_bytes(w.precision);
  const std::uint64_t per_token = activation_bytes_per_token(c, act, load.tp);
  const std::uint64_t rows = std::min(load.concurrency, load.prefill_tokens);
  const RuntimeOverheads runtime =
      runtime_overheads(cc, load.tp * load.pp > 1 ? gib("non_torch_gib_tp") : gib("non_torch_gib_tp1"),
                        gib("cuda_graph_gib"));

  MemoryEstimate best;
  for (std::uint64_t stage = 0; stage < load.pp; ++stage) {
    MemoryEstimate e;
    e.stage = stage;
    e.weights = stage_weights[stage];
    const KvCacheShape shape = kv_cache_shape(c, kv, load.tp, load.pp, stage);
    e.kv_per_sequence = kv_sequence_bytes(shape, load.context);
    e.kv = e.kv_per_sequence * load.concurrency;
    e.activation_per_token = per_token;
    e.activation_forward = load.prefill_tokens * per_token;
    // The sampler works in fp32 on the last stage only.
    e.logits = stage + 1 == load.pp ? rows * c.vocab_size * 4 : 0;
    e.activation = e.activation_forward + e.logits;
    e.runtime = runtime;
    e.total = e.weights + e.kv + e.activation + runtime.total();
    best.total_all_gpus += e.total * load.tp;
    if (stage == 0 || e.total > best.total) {
      const std::uint64_t all = best.total_all_gpus;
      best = e;
      best.total_all_gpus = all;
    }
  }
  return best;
}

}  // namespace llmctl
