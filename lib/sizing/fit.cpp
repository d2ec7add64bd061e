// Fit = vLLM starts and holds `concurrency` sequences of `context` tokens:
//   num_blocks >= concurrency x blocks_per_request(context)
// headroom = available_kv - concurrency x blocks_per_request x block_slot_bytes
// (block_slot_bytes = page_size x layers sharing a block: group_size in v1).
// Decode bound (memory-bandwidth roofline, every step reads the weights a step
// touches and the KV of every sequence at the full context):
//   tokens/s <= concurrency x tp x bandwidth / (weights_read + concurrency x kv_per_sequence)
//   weights_read = non-expert bytes + expert bytes x min(1, concurrency x top_k / E)
// $/1M output tokens = $/hour / (tokens/s x 3600) x 10^6.
#include "sizing/fit.hpp"

#include "sizing/parallel.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace llmctl {

namespace {

using u64 = std::uint64_t;

bool valid_parallelism(const ModelConfig& c, u64 tp, u64 pp) {
  try {
    check_parallelism(c, tp, pp);
    return true;
  } catch (const Error&) {
    return false;
  }
}

double decode_bound(const FitInputs& in, const Accelerator& gpu, u64 tp) {
  const ModelConfig& c = *in.config;
  u64 expert = 0;
  for (std::size_t i = 0; i < in.weights->tensors.size(); ++i) {
    const TensorRole r = in.weights->tensors[i].role;
    if (r == TensorRole::expert_gate || r == TensorRole::expert_up || r == TensorRole::expert_down)
      expert += in.weights->stored[i].bytes;
  }
  double frac = 1;
  if (c.moe && c.moe->num_experts)
    frac = std::min(1.0, static_cast<double>(in.concurrency * c.moe->experts_per_token) / c.moe->num_experts);
  const double weights_read = static_cast<double>(in.weights->bytes - expert) + frac * static_cast<double>(expert);
  const KvCacheShape whole = kv_cache_shape(c, in.kv, 1, 1, 0);
  const double kv_read = static_cast<double>(in.concurrency) * static_cast<double>(kv_sequence_bytes(whole, in.context));
  const double bandwidth = gpu.bandwidth_gbs * 1e9 * static_cast<double>(tp);
  return static_cast<double>(in.concurrency) * bandwidth / (weights_read + kv_read);
}

// The GPU-level part of a fit: the same for every instance with that GPU, tp and pp.
Fit evaluate_core(const FitInputs& in, const Accelerator& gpu, u64 tp, u64 pp) {
  const ModelConfig& c = *in.config;
  Fit f;
  f.gpu = gpu.name;
  f.tp = tp;
  f.pp = pp;
  VllmSetup setup;
  setup.max_model_len = in.context;
  setup.max_num_batched_tokens = in.max_num_batched_tokens;
  setup.max_num_seqs = in.max_num_seqs;
  setup.tp = tp;
  setup.pp = pp;
  setup.constants = in.constants;
  Workload load{in.context, in.concurrency, tp, pp, in.max_num_batched_tokens.value_or(2048)};
  f.vllm_modelled = gpu.vllm_gpu();
  if (f.vllm_modelled) {
    f.vllm = predict_vllm(c, *in.weights, in.kv, gpu, setup);
    load.prefill_tokens = f.vllm.max_num_batched_tokens;
  }
  f.estimate = estimate_memory(c, *in.weights, in.kv, load, in.constants, gpu.compute_capability);

  if (f.vllm_modelled) {
    const VllmPrediction& v = f.vllm;
    const KvCacheShape shape = kv_cache_shape(c, in.kv, tp, pp, v.stage);
    const u64 slot = v.page_size * v.group_size;
    const u64 per_request = v.blocks_per_request;
    f.max_concurrency = per_request ? v.num_blocks / per_request : 0;
    f.headroom = v.available_kv - static_cast<std::int64_t>(in.concurrency * per_request * slot);
    // Longest context whose `concurrency` requests fit the blocks (model maximum at most).
    u64 lo = 1, hi = std::max(in.context, c.max_position_embeddings), best = 0;
    while (v.starts && lo <= hi) {
      const u64 mid = lo + (hi - lo) / 2;
      if (in.concurrency * vllm_blocks_for_tokens(v, shape, mid) <= v.num_blocks) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    f.max_context = best;
    f.fits = v.starts && f.max_concurrency >= in.concurrency;
    f.reason = !v.starts ? "vLLM refuses to start: " + v.error
               : f.fits  ? fmt::format("vLLM holds {} sequence{} of {} tokens", with_commas(f.max_concurrency),
                                       f.max_concurrency == 1 ? "" : "s", with_commas(in.context))
                         : fmt::format("vLLM starts but holds only {} sequences of {} tokens, {} requested",
                                       with_commas(f.max_concurrency), with_commas(in.context), in.concurrency);
  } else {
    // No vLLM model for this runtime (Neuron): the exact method against the chip's memory.
    const MemoryEstimate& e = f.estimate;
    const u64 fixed = e.total - e.kv;
    f.headroom = static_cast<std::int64_t>(gpu.usable_bytes) - static_cast<std::int64_t>(e.total);
    f.max_concurrency = (gpu.usable_bytes > fixed && e.kv_per_sequence) ? (gpu.usable_bytes - fixed) / e.kv_per_sequence : 0;
    const KvCacheShape shape = kv_cache_shape(c, in.kv, tp, pp, e.stage);
    u64 lo = 1, hi = std::max(in.context, c.max_position_embeddings), best = 0;
    while (gpu.usable_bytes > fixed && lo <= hi) {
      const u64 mid = lo + (hi - lo) / 2;
      if (fixed + in.concurrency * kv_sequence_bytes(shape, mid) <= gpu.usable_bytes) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    f.max_context = best;
    f.fits = e.total <= gpu.usable_bytes;
    f.reason = fmt::format("exact method against the chip's memory ({} runtime: no vLLM prediction)", gpu.runtime);
  }
  if (!gpu.bf16 && in.weights->precision.base_name == "bf16" && f.vllm_modelled)
    f.reason += " (bf16 needs compute capability 8.0: run vLLM with --dtype half here)";
  f.decode_tokens_per_s = decode_bound(in, gpu, tp);
  return f;
}

using FitCache = std::map<std::tuple<std::string, u64, u64>, Fit>;

// The fit on `per_node` GPUs of one machine (or `inst`): nodes, replicas, price.
Fit evaluate(const FitInputs& in, const Accelerator& gpu, u64 per_node, const Instance* inst, u64 tp, u64 pp,
             FitCache* cache = nullptr) {
  Fit f;
  const auto key = std::make_tuple(gpu.name, tp, pp);
  if (cache && cache->count(key)) {
    f = cache->at(key);
  } else {
    f = evaluate_core(in, gpu, tp, pp);
    if (cache) cache->emplace(key, f);
  }
  f.gpus_per_node = per_node;
  f.nodes = (tp * pp + per_node - 1) / per_node;
  // Copies of the model one machine holds (data parallel), when one fits in it.
  f.replicas = f.nodes == 1 ? std::max<u64>(1, per_node / (tp * pp)) : 1;
  f.instance_tokens_per_s = f.decode_tokens_per_s * static_cast<double>(f.replicas);
  if (inst) {
    f.instance = inst->name;
    f.provider = inst->provider;
    f.price_date = inst->price_date;
    if (inst->price_usd_per_hour) f.usd_per_hour = *inst->price_usd_per_hour * static_cast<double>(f.nodes);
  }
  if (f.usd_per_hour && f.instance_tokens_per_s > 0)
    f.usd_per_million_tokens = *f.usd_per_hour / (f.instance_tokens_per_s * 3600.0) * 1e6;
  return f;
}

Fit fit_on_impl(const FitInputs& in, const Accelerator& gpu, u64 per_node, const Instance* inst, FitCache* cache) {
  const ModelConfig& c = *in.config;
  if (in.tp || in.pp) {
    const u64 tp = in.tp.value_or(1), pp = in.pp.value_or(1);
    check_parallelism(c, tp, pp);
    Fit f = evaluate(in, gpu, inst ? per_node : std::max(per_node, tp * pp), inst, tp, pp, cache);
    if (inst && tp > per_node) {
      f.fits = false;
      f.reason = fmt::format("--tp {} needs {} GPUs in one node; {} has {}", tp, tp, inst->name, per_node);
    }
    return f;
  }
  // One node: tp = 1, 2, 4, ... up to the GPUs it has.
  Fit last;
  bool tried = false;
  for (u64 tp = 1; tp <= per_node; tp *= 2) {
    if (!valid_parallelism(c, tp, 1)) continue;
    last = evaluate(in, gpu, per_node, inst, tp, 1, cache);
    tried = true;
    if (last.fits) return last;
  }
  // Several nodes: pipeline stages of the largest valid tp.
  u64 tp = 1;
  for (u64 t = 1; t <= per_node; t *= 2)
    if (valid_parallelism(c, t, 1)) tp = t;
  // Pipeline stages across machines only for 8-GPU servers (the usual multi-node
  // setup); a model too big for a smaller machine needs a bigger machine.
  for (u64 nodes = 2; per_node >= 8 && nodes <= 8 && nodes <= c.num_hidden_layers; ++nodes) {
    if (!valid_parallelism(c, tp, nodes)) continue;
    Fit f = evaluate(in, gpu, per_node, inst, tp, nodes, cache);
    if (f.fits) {
      f.reason += fmt::format(" on {} nodes (pipeline parallel)", nodes);
      return f;
    }
  }
  if (!tried) last = evaluate(in, gpu, per_node, inst, 1, 1, cache);
  last.reason += per_node >= 8 ? " (also with every TP size and up to 8 nodes)" : " (also with every TP size)";
  return last;
}

}  // namespace

Fit fit_on(const FitInputs& in, const Accelerator& gpu, u64 per_node, const Instance* inst) {
  return fit_on_impl(in, gpu, per_node, inst, nullptr);
}

std::vector<Fit> fit_catalog(const FitInputs& in, const HardwareCatalog& catalog) {
  std::vector<Fit> rows;
  FitCache cache;
  for (const Instance& inst : catalog.instances()) {
    const Accelerator* gpu = catalog.find_accelerator(inst.gpu);
    if (!gpu) continue;
    FitInputs one = in;
    if (one.tp && *one.tp > inst.gpus) continue;  // a forced --tp this machine cannot hold
    rows.push_back(fit_on_impl(one, *gpu, inst.gpus, &inst, &cache));
  }
  // Fitting first; among them the cheapest per hour (unknown prices last), then per token.
  std::stable_sort(rows.begin(), rows.end(), [](const Fit& a, const Fit& b) {
    if (a.fits != b.fits) return a.fits;
    if (a.usd_per_hour.has_value() != b.usd_per_hour.has_value()) return a.usd_per_hour.has_value();
    if (a.usd_per_hour && b.usd_per_hour && *a.usd_per_hour != *b.usd_per_hour) return *a.usd_per_hour < *b.usd_per_hour;
    return a.instance_tokens_per_s > b.instance_tokens_per_s;
  });
  return rows;
}

}  // namespace llmctl
