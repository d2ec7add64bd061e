// vLLM's start-up arithmetic (paths in vllm-project/vllm, v0.11.0 unless said):
//
// Budget, v1/worker/gpu_worker.py determine_available_memory + utils/mem_utils.py:
//   requested = total_memory x gpu_memory_utilization
//   available = int(requested - (weights + torch_peak_increase + non_torch_increase))
// V0 (worker/worker.py determine_num_available_blocks) uses the same sum.
//
// Blocks, v1/core/kv_cache_utils.py:
//   page_size  = block_size x bytes per token of one layer (kv_cache_interface.py)
//   uniform layers: num_blocks = available // page_size // num_layers
//   sliding + full: layers of one kind are grouped group_size at a time
//     (group_size = the smaller kind's layer count, or the larger one's when it
//     is < 1.25x the smaller: _get_kv_cache_groups_uniform_page_size), every
//     group shares group_size tensors: num_blocks = available // page_size // group_size
//   "GPU KV cache size"  = num_blocks // num_groups x block_size
//   "Maximum concurrency" = num_blocks / sum over groups of blocks one request needs:
//     full attention cdiv(max_model_len, block_size)
//     sliding window cdiv(min(window - 1 + max_num_batched_tokens, max_model_len), block_size) + 1
//   refusal (check_enough_kv_cache_memory): available <= 0, or the KV of one
//     request at max_model_len, summed over layers, > available; then
//     estimate_max_model_len() binary-searches the longest length that fits.
// V0 (worker/cache_engine.py, engine/llm_engine.py): num_gpu_blocks =
//   int(available // (block_size x bytes per token of all layers)); concurrency =
//   num_gpu_blocks x block_size / max_model_len; refusal when max_model_len >
//   num_gpu_blocks x block_size.
#include "sizing/vllm.hpp"

#include "sizing/parallel.hpp"
#include "sizing/runtime.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace llmctl {

namespace {

using u64 = std::uint64_t;
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

u64 cdiv(u64 a, u64 b) { return (a + b - 1) / b; }
u64 gib(double g) { return static_cast<u64>(std::llround(g * kGiB)); }

// v1 KV cache groups of one stage.
struct Groups {
  u64 full = 0, sliding = 0;  // groups of each kind
  u64 size = 0;               // layers per group
};

Groups groups_of(const KvCacheShape& s) {
  Groups g;
  if (s.full_layers == 0 || s.sliding_layers == 0) {
    g.size = s.layers();
    (s.sliding_layers ? g.sliding : g.full) = 1;
    return g;
  }
  const u64 lo = std::min(s.full_layers, s.sliding_layers), hi = std::max(s.full_layers, s.sliding_layers);
  g.size = static_cast<double>(hi) < 1.25 * static_cast<double>(lo) ? hi : lo;
  g.full = cdiv(s.full_layers, g.size);
  g.sliding = cdiv(s.sliding_layers, g.size);
  return g;
}

// Blocks one request of `len` tokens takes in one group of each kind (v1 max_memory_usage_bytes / page_size).
u64 full_blocks(u64 len, u64 bs) { return cdiv(len, bs); }
u64 sliding_blocks(u64 len, u64 window, u64 batched, u64 bs) {
  return cdiv(std::min(window - 1 + batched, len), bs) + 1;
}

// KV bytes one request of `len` tokens needs, summed over the stage's layers (check_enough_kv_cache_memory).
u64 needed_bytes(const KvCacheShape& s, u64 len, u64 batched, u64 bs, u64 page) {
  return page * (s.full_layers * full_blocks(len, bs) +
                 (s.sliding_layers ? s.sliding_layers * sliding_blocks(len, s.window, batched, bs) : 0));
}

// estimate_max_model_len(): the longest length whose need fits `available`, searched in [1, cap].
u64 longest_fitting(const KvCacheShape& s, std::int64_t available, u64 cap, u64 batched, u64 bs, u64 page) {
  if (available <= 0) return 0;
  const auto fits = [&](u64 len) { return needed_bytes(s, len, batched, bs, page) <= static_cast<u64>(available); };
  if (!fits(1)) return 0;
  u64 lo = 1, hi = cap, best = 1;
  while (lo <= hi) {
    const u64 mid = lo + (hi - lo) / 2;
    if (fits(mid)) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

std::string gib2(double bytes) { return fmt::format("{:.2f}", bytes / kGiB); }

}  // namespace

std::string with_commas(u64 n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

unsigned vllm_activation_bytes(const WeightPrecision& p) {
  return p.name == "fp32" && p.source.rfind("--dtype", 0) == 0 ? 4 : 2;
}

u64 vllm_blocks_for_tokens(const VllmPrediction& p, const KvCacheShape& s, u64 tokens) {
  if (p.engine != "v1") return cdiv(tokens, p.block_size);
  const Groups g = groups_of(s);
  return g.full * full_blocks(tokens, p.block_size) +
         g.sliding * (s.sliding_layers ? sliding_blocks(tokens, s.window, p.max_num_batched_tokens, p.block_size) : 0);
}

VllmPrediction predict_vllm(const ModelConfig& c, const WeightsEstimate& w, const KvPrecision& kv,
                            const Accelerator& gpu, const VllmSetup& setup) {
  const VllmConstants& k = setup.constants;
  VllmPrediction p;
  p.version = k.version();
  p.engine = k.engine();
  p.gpu = gpu.name;
  p.gpu_memory_measured = gpu.usable_measured;
  p.gpu_memory_utilization = k.get("gpu_memory_utilization");
  p.block_size = static_cast<u64>(k.get("block_size"));
  const u64 len = setup.max_model_len, bs = p.block_size;

  // Batch sizes: the flags, else the defaults of this engine for this GPU.
  const bool large = gpu.usable_bytes >= gib(k.get("large_gpu_min_gib")) && gpu.name.find("A100") == std::string::npos;
  u64 batched = 0, seqs = 0;
  if (p.engine == "v1") {
    batched = static_cast<u64>(k.get(large ? "max_num_batched_tokens_large" : "max_num_batched_tokens_small"));
    seqs = static_cast<u64>(k.get(large ? "max_num_seqs_large" : "max_num_seqs_small"));
    p.batch_defaults = large ? "vLLM's defaults for GPUs of 70 GiB or more (not A100)" : "vLLM's defaults for this GPU size";
  } else {
    const bool chunked = len > static_cast<u64>(k.get("v0_chunked_prefill_above"));
    batched = chunked ? static_cast<u64>(k.get("v0_chunked_max_num_batched_tokens"))
                      : std::max(len, static_cast<u64>(k.get("v0_min_max_num_batched_tokens")));
    seqs = static_cast<u64>(k.get("max_num_seqs_small"));
    p.batch_defaults = chunked ? "V0 defaults: chunked prefill above 32K tokens" : "V0 defaults: max(max_model_len, 2048)";
  }
  if (setup.max_num_batched_tokens) batched = *setup.max_num_batched_tokens;
  if (setup.max_num_seqs) seqs = *setup.max_num_seqs;
  if (setup.max_num_batched_tokens || setup.max_num_seqs) p.batch_defaults = "as given";
  p.max_num_batched_tokens = batched;
  p.max_num_seqs = seqs;

  p.total_memory = gpu.usable_bytes;
  const double requested = static_cast<double>(gpu.usable_bytes) * p.gpu_memory_utilization;
  p.requested_memory = static_cast<u64>(requested);

  const unsigned act = vllm_activation_bytes(w.precision);
  std::vector<u64> stage_weights = weight_bytes_per_stage(w, c, setup.tp, setup.pp, true);
  // MXFP4 experts on Hopper: vLLM pads their hidden dimension (see the constant).
  const u64 align = static_cast<u64>(k.get("mxfp4_hopper_hidden_align"));
  if (align > 0 && gpu.compute_capability.rfind("9.", 0) == 0 && c.hidden_size % align != 0) {
    const double grow = static_cast<double>(cdiv(c.hidden_size, align) * align - c.hidden_size) / c.hidden_size;
    const auto stages = pipeline_stages(c.num_hidden_layers, setup.pp);
    for (std::size_t i = 0; i < w.tensors.size(); ++i) {
      const TensorRole r = w.tensors[i].role;
      const bool expert = r == TensorRole::expert_gate || r == TensorRole::expert_up || r == TensorRole::expert_down;
      if (!expert || w.stored[i].type != "mxfp4" || w.tensors[i].layer < 0) continue;
      u64 stage = 0;
      while (stage + 1 < setup.pp && static_cast<u64>(w.tensors[i].layer) >= stages[stage].first + stages[stage].count) ++stage;
      stage_weights[stage] += static_cast<u64>(std::llround(static_cast<double>(w.stored[i].bytes) / setup.tp * grow));
    }
  }
  const u64 rotary_dim = c.mla ? c.mla->qk_rope_head_dim
                               : static_cast<u64>(std::llround(static_cast<double>(c.head_dim) * c.partial_rotary_factor));
  const u64 rope = k.get("rope_cache") > 0 ? c.max_position_embeddings * rotary_dim * act : 0;
  const u64 non_torch = gib(k.get(setup.tp * setup.pp > 1 ? "non_torch_gib_tp" : "non_torch_gib_tp1"));
  const u64 graphs = k.get("cuda_graphs_in_budget") > 0 ? gib(k.get("cuda_graph_gib")) : 0;
  const u64 forward = batched * activation_bytes_per_token(c, act, setup.tp);
  const u64 rows = std::min(seqs, batched);
  const u64 sampler = batched * c.hidden_size * act +
                      static_cast<u64>(std::llround(k.get("sampler_bytes_per_logit") * static_cast<double>(rows) *
                                                    static_cast<double>(c.vocab_size)));

  // Every stage allocates its own blocks; the engine uses the smallest count.
  bool first = true;
  for (u64 stage = 0; stage < setup.pp; ++stage) {
    const KvCacheShape s = kv_cache_shape(c, kv, setup.tp, setup.pp, stage);
    const bool last = stage + 1 == setup.pp;
    const u64 activation = (p.engine == "v1" && last && k.get("sampler_bytes_per_logit") > 0) ? std::max(forward, sampler)
                                                                                              : forward;
    const double non_kv = static_cast<double>(stage_weights[stage] + rope + activation + non_torch + graphs);
    const auto available = static_cast<std::int64_t>(std::floor(requested - non_kv));
    const u64 page = bs * s.per_layer_bytes_per_token;
    u64 blocks = 0, groups = 1, group_size = s.layers();
    if (available > 0 && page > 0) {
      if (p.engine == "v1") {
        const Groups g = groups_of(s);
        groups = g.full + g.sliding;
        group_size = g.size;
        blocks = static_cast<u64>(available) / page / group_size;
      } else {
        blocks = static_cast<u64>(available) / (page * s.layers());
      }
    }
    if (!first && blocks >= p.num_blocks) continue;
    first = false;
    p.stage = stage;
    p.weights = stage_weights[stage] + rope;
    p.rope_cache = rope;
    p.activation_forward = forward;
    p.activation_sampler = (p.engine == "v1" && last) ? sampler : 0;
    p.activation_peak = activation;
    p.non_torch = non_torch;
    p.cuda_graphs_in_budget = graphs;
    p.available_kv = available;
    p.page_size = page;
    p.num_groups = groups;
    p.group_size = group_size;
    p.num_blocks = blocks;
    const u64 cap = std::max(len, c.max_position_embeddings);
    if (p.engine == "v1") {
      p.kv_cache_tokens = blocks / groups * bs;
      p.blocks_per_request = vllm_blocks_for_tokens(p, s, len);
      p.needed_memory = needed_bytes(s, len, batched, bs, page);
      p.max_model_len_fits = longest_fitting(s, available, cap, batched, bs, page);
    } else {
      p.kv_cache_tokens = blocks * bs;
      p.blocks_per_request = cdiv(len, bs);
      p.needed_memory = s.layers() * page * cdiv(len, bs);
      p.max_model_len_fits = std::min(p.kv_cache_tokens, cap);
    }
    p.max_concurrency = p.engine == "v1"
                            ? (p.blocks_per_request ? static_cast<double>(blocks) / p.blocks_per_request : 0)
                            : static_cast<double>(p.kv_cache_tokens) / static_cast<double>(len);
  }

  // The start-up lines and the refusal, worded as vLLM words them.
  const double avail = static_cast<double>(p.available_kv);
  if (p.engine == "v1") {
    p.log_lines.push_back(fmt::format("Model loading took {:.4f} GiB", p.weights / kGiB));
    p.log_lines.push_back(fmt::format("Available KV cache memory: {} GiB", gib2(avail)));
    if (p.available_kv <= 0) {
      p.error = "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when "
                "initializing the engine.";
    } else if (p.needed_memory > static_cast<u64>(p.available_kv)) {
      p.error = fmt::format(
          "To serve at least one request with the models's max seq len ({}), ({} GiB KV cache is needed, which is "
          "larger than the available KV cache memory ({} GiB). Based on the available memory, the estimated maximum "
          "model length is {}. Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when "
          "initializing the engine.",
          len, gib2(static_cast<double>(p.needed_memory)), gib2(avail), std::min(p.max_model_len_fits, len));
    } else {
      p.log_lines.push_back(fmt::format("GPU KV cache size: {} tokens", with_commas(p.kv_cache_tokens)));
      p.log_lines.push_back(
          fmt::format("Maximum concurrency for {} tokens per request: {:.2f}x", with_commas(len), p.max_concurrency));
    }
  } else {
    p.log_lines.push_back(fmt::format("Loading model weights took {:.4f} GB", p.weights / kGiB));
    p.log_lines.push_back(fmt::format("# GPU blocks: {}", p.num_blocks));
    if (p.num_blocks == 0) {
      p.error = "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when "
                "initializing the engine.";
    } else {
      p.log_lines.push_back(fmt::format("Maximum concurrency for {} tokens per request: {:.2f}x", len, p.max_concurrency));
      if (len > p.kv_cache_tokens)
        p.error = fmt::format(
            "The model's max seq len ({}) is larger than the maximum number of tokens that can be stored in KV cache "
            "({}). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.",
            len, p.kv_cache_tokens);
    }
  }
  p.starts = p.error.empty();
  return p;
}

}  // namespace llmctl
