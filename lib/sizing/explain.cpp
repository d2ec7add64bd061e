#include "sizing/explain.hpp"

#include "sizing/gguf.hpp"
#include "sizing/vllm.hpp"
#include "util/units.hpp"

#include <fmt/format.h>

#include <cmath>

namespace llmctl {

namespace {

using u64 = std::uint64_t;

std::string b(u64 bytes) { return with_commas(bytes) + " B" + (bytes >= 1024 ? " = " + format_bytes(bytes) : ""); }
std::string sb(std::int64_t bytes) {
  return bytes < 0 ? "-" + b(static_cast<u64>(-bytes)) : b(static_cast<u64>(bytes));
}

void parameters(std::vector<ExplainStep>& s, const SizeReport& r) {
  const ParameterBreakdown& p = r.params;
  s.push_back({"parameters", "embedding + attention + MLP + experts + router + shared experts + norms + lm_head + vision",
               fmt::format("{} + {} + {} + {} + {} + {} + {} + {} + {}", with_commas(p.embedding),
                           with_commas(p.attention), with_commas(p.mlp), with_commas(p.moe_experts),
                           with_commas(p.moe_router), with_commas(p.moe_shared), with_commas(p.norms),
                           with_commas(p.lm_head), with_commas(p.vision)),
               with_commas(p.total) + " (" + format_count(p.total) + ")"});
  s.push_back({"non-embedding parameters", "total - embedding - lm_head",
               fmt::format("{} - {} - {}", with_commas(p.total), with_commas(p.embedding), with_commas(p.lm_head)),
               with_commas(p.non_embedding) + " (" + format_count(p.non_embedding) + ")"});
}

void weights(std::vector<ExplainStep>& s, const SizeReport& r) {
  for (const WeightTypeTotal& t : r.weights.by_type) {
    std::string how;
    if (r.weights.source_kind != "config") {
      how = "bytes as stored in the safetensors headers";
    } else if (t.type == "bf16" || t.type == "fp16" || t.type == "F16" || t.type == "BF16") {
      how = fmt::format("{} params x 2 B", with_commas(t.params));
    } else if (t.type == "fp32" || t.type == "F32") {
      how = fmt::format("{} params x 4 B", with_commas(t.params));
    } else if (t.type.size() > 1 && (t.type[0] == 'Q' || t.type[0] == 'I')) {
      const GgmlType g = ggml_type(t.type);
      how = fmt::format("{} params x {} B per {} (a {} block with its scales)", with_commas(t.params), g.block_bytes,
                        g.block_elems, t.type);
    } else {
      how = fmt::format("{} params x {:.4f} bits incl. scales / 8", with_commas(t.params),
                        t.params ? 8.0 * static_cast<double>(t.bytes) / static_cast<double>(t.params) : 0.0);
    }
    s.push_back({"weights stored as " + t.type, "parameters x bytes per parameter (+ scales)", how, b(t.bytes)});
  }
  s.push_back({"weights", "sum over storage types", "", b(r.weights.bytes)});
}

void kv(std::vector<ExplainStep>& s, const SizeReport& r) {
  const KvCacheShape& k = r.kv_model;
  s.push_back({"KV cache per layer per token", k.mla ? "kv_lora_rank + qk_rope_head_dim, x bytes" : "2 (K,V) x KV heads x head_dim x bytes",
               kv_per_layer_formula(k), b(k.per_layer_bytes_per_token)});
  s.push_back({"KV cache per token", "layers x per-layer bytes",
               fmt::format("{} x {}", k.layers(), with_commas(k.per_layer_bytes_per_token)), b(k.bytes_per_token())});
  const u64 seq = kv_sequence_bytes(k, r.context);
  s.push_back({"KV cache per sequence",
               k.sliding_layers ? "per-layer bytes x (full layers x context + sliding layers x min(context, window))"
                                : "KV per token x context",
               k.sliding_layers ? fmt::format("{} x ({} x {} + {} x {})", with_commas(k.per_layer_bytes_per_token),
                                              k.full_layers, r.context, k.sliding_layers, std::min(r.context, k.window))
                                : fmt::format("{} x {}", with_commas(k.bytes_per_token()), with_commas(r.context)),
               b(seq)});
  s.push_back({"KV cache for the workload", "per sequence x concurrency", fmt::format("{} x {}", with_commas(seq), r.concurrency),
               b(seq * r.concurrency)});
}

void memory(std::vector<ExplainStep>& s, const SizeReport& r) {
  const MemoryEstimate& e = r.estimate;
  const u64 gpus = r.tp * r.pp;
  s.push_back({"activation per token", "bytes x (3 x hidden + max(attention q/k/v, feed-forward))",
               activation_formula(r.config, vllm_activation_bytes(r.weights.precision), r.tp), b(e.activation_per_token)});
  s.push_back({"activations", "prefill tokens x per token + sampled rows x vocab x 4 B",
               fmt::format("{} x {} + {}", with_commas(r.prefill_tokens), with_commas(e.activation_per_token), with_commas(e.logits)),
               b(e.activation)});
  s.push_back({"runtime overhead", "CUDA context + cuBLAS workspace + non-torch + CUDA graphs (estimate)",
               fmt::format("{} + {} + {} + {}", with_commas(e.runtime.cuda_context), with_commas(e.runtime.cublas_workspace),
                           with_commas(e.runtime.non_torch), with_commas(e.runtime.cuda_graphs)),
               b(e.runtime.total())});
  s.push_back({fmt::format("total per GPU ({} GPU{})", gpus, gpus > 1 ? "s" : ""), "weights + KV cache + activations + runtime",
               fmt::format("{} + {} + {} + {}", with_commas(e.weights), with_commas(e.kv), with_commas(e.activation),
                           with_commas(e.runtime.total())),
               b(e.total)});
}

void vllm(std::vector<ExplainStep>& s, const Fit& f, u64 context) {
  const VllmPrediction& v = f.vllm;
  const std::string tag = "vLLM " + v.version + ": ";
  s.push_back({tag + "requested memory", "total GPU memory x gpu_memory_utilization",
               fmt::format("{} x {}", with_commas(v.total_memory), v.gpu_memory_utilization), b(v.requested_memory)});
  s.push_back({tag + "activation peak", v.engine == "v1" ? "max(N x per token, N x hidden x 2 + sampler x B x vocab)" : "N x per token",
               fmt::format("max({}, {}) with N = {}, B = min(max_num_seqs {}, N)", with_commas(v.activation_forward),
                           with_commas(v.activation_sampler), v.max_num_batched_tokens, v.max_num_seqs),
               b(v.activation_peak)});
  s.push_back({tag + "available KV cache memory", "requested - weights - activation peak - non-torch",
               fmt::format("{} - {} - {} - {}", with_commas(v.requested_memory), with_commas(v.weights),
                           with_commas(v.activation_peak), with_commas(v.non_torch)),
               sb(v.available_kv)});
  s.push_back({tag + "blocks", "available // (block_size x per-layer bytes) // layers per group",
               fmt::format("{} // {} // {}", sb(v.available_kv), with_commas(v.page_size), v.group_size),
               with_commas(v.num_blocks)});
  s.push_back({tag + "GPU KV cache size", "blocks // groups x block_size",
               fmt::format("{} // {} x {}", with_commas(v.num_blocks), v.num_groups, v.block_size), with_commas(v.kv_cache_tokens) + " tokens"});
  s.push_back({tag + "maximum concurrency", "blocks / blocks one request of max_model_len needs",
               fmt::format("{} / {} (max_model_len {})", with_commas(v.num_blocks), with_commas(v.blocks_per_request), with_commas(context)),
               fmt::format("{:.2f}x", v.max_concurrency)});
  s.push_back({tag + "starts?", "available > 0 and KV of one request <= available",
               fmt::format("{} <= {}", with_commas(v.needed_memory), sb(v.available_kv)), v.starts ? "yes" : "no: " + v.error});
  s.push_back({"decode bound", "concurrency x tp x bandwidth / (weights read + KV read per step)", "",
               fmt::format("{:.0f} tokens/s", f.decode_tokens_per_s)});
  if (f.usd_per_million_tokens)
    s.push_back({"cost per 1M output tokens", "$/hour / (tokens/s x 3600) x 10^6",
                 fmt::format("{:.4f} / ({:.0f} x 3600) x 10^6", *f.usd_per_hour, f.decode_tokens_per_s),
                 fmt::format("${:.4f}", *f.usd_per_million_tokens)});
}

void guide(std::vector<ExplainStep>& s, const GuideEstimate& g) {
  s.push_back({"guide: weights", "parameters (billions, 1 decimal) x 2 B", fmt::format("{:.1f} x 2", g.params_billions),
               fmt::format("{:.2f} GiB (as written)", g.weights_gib)});
  s.push_back({"guide: activations", "25% of weights", fmt::format("0.25 x {:.2f}", g.weights_gib),
               fmt::format("{:.2f} GiB", g.activations_gib)});
  s.push_back({"guide: KV per token", "2 x 2 B x layers x hidden_size", with_commas(g.kv_bytes_per_token) + " B",
               fmt::format("{:.1f} MB", g.kv_mb_per_token)});
  s.push_back({"guide: KV cache", "MB per token x context / 1000", fmt::format("{:.1f} x {} / 1000", g.kv_mb_per_token, g.context),
               fmt::format("{:.1f} GiB", g.kv_gib)});
  s.push_back({"guide: total", "weights + activations + KV cache",
               fmt::format("{:.2f} + {:.2f} + {:.1f}", g.weights_gib, g.activations_gib, g.kv_gib),
               fmt::format("{:.2f} GiB", g.total_gib)});
}

}  // namespace

std::vector<ExplainStep> explain_report(const SizeReport& r) {
  std::vector<ExplainStep> s;
  parameters(s, r);
  weights(s, r);
  kv(s, r);
  memory(s, r);
  if (r.fit && r.fit->vllm_modelled) vllm(s, *r.fit, r.context);
  if (r.guide) guide(s, *r.guide);
  return s;
}

}  // namespace llmctl
