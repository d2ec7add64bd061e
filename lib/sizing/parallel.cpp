#include "sizing/parallel.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl {

void check_parallelism(const ModelConfig& c, std::uint64_t tp, std::uint64_t pp) {
  if (tp == 0) throw usage_error("--tp must be at least 1");
  if (pp == 0) throw usage_error("--pp must be at least 1");
  // vllm/config/model.py verify_with_parallel_config
  // QKVParallelLinear: KV heads split evenly, or each replicated tp / n_kv times (MLA has one latent).
  const std::uint64_t kv = c.num_key_value_heads;
  const auto kv_ok = [&](std::uint64_t t) { return c.mla || kv == 0 || (kv >= t ? kv % t == 0 : t % kv == 0); };
  std::string valid;
  for (std::uint64_t t = 1; t <= c.num_attention_heads; ++t)
    if (c.num_attention_heads % t == 0 && kv_ok(t)) valid += (valid.empty() ? "" : ", ") + std::to_string(t);
  if (c.num_attention_heads % tp != 0)
    throw usage_error(fmt::format("--tp {} does not divide the model's {} attention heads", tp, c.num_attention_heads),
                      "vLLM needs num_attention_heads % tensor_parallel_size == 0; valid sizes: " + valid);
  if (!kv_ok(tp))
    throw usage_error(fmt::format("--tp {} does not fit the model's {} KV heads", tp, kv),
                      "the KV heads must split evenly (n_kv % tp == 0) or be replicated (tp % n_kv == 0); valid sizes: " +
                          valid);
  if (pp > c.num_hidden_layers)
    throw usage_error(fmt::format("--pp {} is more than the model's {} layers", pp, c.num_hidden_layers));
}

std::vector<PipelineStage> pipeline_stages(std::uint64_t layers, std::uint64_t pp) {
  std::vector<std::uint64_t> counts(pp, layers / pp);
  // vllm/distributed/utils.py get_pp_indices: partitions[-i] += 1 for i in 2..remaining+1
  const std::uint64_t remaining = layers % pp;
  for (std::uint64_t i = 2; i < remaining + 2; ++i) counts[pp - i] += 1;
  std::vector<PipelineStage> stages;
  std::uint64_t first = 0;
  for (std::uint64_t n : counts) {
    stages.push_back({first, n});
    first += n;
  }
  return stages;
}

std::uint64_t kv_heads_per_rank(const ModelConfig& c, std::uint64_t tp) {
  if (c.mla) return 1;
  const std::uint64_t kv = c.num_key_value_heads;
  return kv >= tp ? kv / tp : 1;
}

}  // namespace llmctl
