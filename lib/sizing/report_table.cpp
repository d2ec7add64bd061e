#include "sizing/report_table.hpp"

#include "sizing/vllm.hpp"
#include "util/output.hpp"
#include "util/units.hpp"

#include <fmt/format.h>

namespace llmctl {

namespace {

using u64 = std::uint64_t;

std::string gb(u64 bytes) { return format_bytes(bytes); }
std::string sgb(std::int64_t bytes) { return bytes < 0 ? "-" + gb(static_cast<u64>(-bytes)) : gb(static_cast<u64>(bytes)); }
std::string price(const std::optional<double>& v, int decimals) {
  return v ? fmt::format("${:.{}f}", *v, decimals) : "unknown";
}

std::string header(const SizeReport& r) {
  const ModelConfig& c = r.config;
  std::string attn = c.mla ? fmt::format("MLA {} heads, latent {}", c.num_attention_heads, r.kv_model.head_size)
                           : fmt::format("{} heads / {} KV heads x {}", c.num_attention_heads, c.num_key_value_heads, c.head_dim);
  if (c.moe) attn += fmt::format(", {} experts (top-{})", c.moe->num_experts, c.moe->experts_per_token);
  if (r.kv_model.sliding_layers)
    attn += fmt::format(", {} sliding ({} tokens) + {} full layers", r.kv_model.sliding_layers, r.kv_model.window,
                        r.kv_model.full_layers);
  return fmt::format("{}  {} ({}): {} layers, hidden {}, {}\n  config   {}\n  weights  {}\n\n", r.model, c.architecture,
                     family_name(c.family), c.num_hidden_layers, c.hidden_size, attn, r.config_source, r.weights.source);
}

std::string parameters(const SizeReport& r, bool color) {
  const ParameterBreakdown& p = r.params;
  Table t{{"PARAMETERS", "COUNT", "EXACT"}, {Align::left, Align::right, Align::right}, {}};
  t.rows.push_back({"total", format_count(p.total), with_commas(p.total)});
  t.rows.push_back({"non-embedding", format_count(p.non_embedding), with_commas(p.non_embedding)});
  t.rows.push_back({p.active == p.total ? "active (dense: all)" : "active per token", format_count(p.active),
                    with_commas(p.active)});
  if (p.mtp) t.rows.push_back({"MTP module (not loaded)", format_count(p.mtp), with_commas(p.mtp)});
  return t.render(color);
}

std::string weights(const SizeReport& r, bool color) {
  Table t{{"WEIGHTS (" + r.weights.precision.name + ")", "PARAMS", "BYTES", "SIZE"},
          {Align::left, Align::right, Align::right, Align::right}, {}};
  for (const auto& w : r.weights.by_type) t.rows.push_back({w.type, with_commas(w.params), with_commas(w.bytes), gb(w.bytes)});
  if (r.weights.by_type.size() > 1)
    t.rows.push_back({"total", with_commas(r.weights.params), with_commas(r.weights.bytes), gb(r.weights.bytes)});
  return t.render(color);
}

std::string kv(const SizeReport& r, bool color) {
  const KvCacheShape& k = r.kv_model;
  Table t{{"KV CACHE (" + r.kv.name + ")", "BYTES", "HOW"}, {Align::left, Align::right, Align::left}, {}};
  t.rows.push_back({"per layer, per token", with_commas(k.per_layer_bytes_per_token), kv_per_layer_formula(k)});
  t.rows.push_back({"per token", with_commas(k.bytes_per_token()), fmt::format("{} layers x {} B", k.layers(), with_commas(k.per_layer_bytes_per_token))});
  const u64 seq = kv_sequence_bytes(k, r.context);
  t.rows.push_back({fmt::format("one sequence of {}", with_commas(r.context)), gb(seq),
                    k.sliding_layers ? fmt::format("sliding layers hold {} tokens", std::min(r.context, k.window)) : "per token x context"});
  t.rows.push_back({fmt::format("workload ({} x {})", r.concurrency, with_commas(r.context)), gb(seq * r.concurrency),
                    r.context_is_default ? "context = the model's maximum (--context to change)" : ""});
  return t.render(color);
}

std::string memory(const SizeReport& r, bool color) {
  const MemoryEstimate& e = r.estimate;
  Table t{{fmt::format("MEMORY PER GPU (tp {} x pp {})", r.tp, r.pp), "SIZE", "HOW"}, {Align::left, Align::right, Align::left}, {}};
  t.rows.push_back({"weights", gb(e.weights), r.tp * r.pp > 1 ? "this GPU's shard" : ""});
  t.rows.push_back({"KV cache", gb(e.kv), fmt::format("{} x {} tokens", r.concurrency, with_commas(r.context))});
  t.rows.push_back({"activations", gb(e.activation),
                    fmt::format("prefill of {} tokens x {} B + logits {}", with_commas(r.prefill_tokens),
                                with_commas(e.activation_per_token), gb(e.logits))});
  t.rows.push_back({"runtime", gb(e.runtime.total()),
                    fmt::format("CUDA context {}, cuBLAS {}, non-torch {}, CUDA graphs {} (estimate)",
                                gb(e.runtime.cuda_context), gb(e.runtime.cublas_workspace), gb(e.runtime.non_torch),
                                gb(e.runtime.cuda_graphs))});
  t.rows.push_back({"total", gb(e.total), r.tp * r.pp > 1 ? fmt::format("{} on all {} GPUs", gb(e.total_all_gpus), r.tp * r.pp) : ""});
  return t.render(color);
}

std::string vllm(const SizeReport& r, const Fit& f, bool color) {
  const VllmPrediction& v = f.vllm;
  Table t{{fmt::format("vLLM {} ON {}{}", v.version, f.tp * f.pp > 1 ? fmt::format("{} x ", f.tp * f.pp) : "", v.gpu),
           "VALUE", "HOW"},
          {Align::left, Align::right, Align::left}, {}};
  t.rows.push_back({"budget", gb(v.requested_memory),
                    fmt::format("{} x gpu_memory_utilization {:.2f}{}", gb(v.total_memory), v.gpu_memory_utilization,
                                v.gpu_memory_measured ? "" : " (GPU total estimated)")});
  t.rows.push_back({"weights", gb(v.weights), "'Model loading took' (incl. RoPE cache)"});
  t.rows.push_back({"activation peak", gb(v.activation_peak),
                    fmt::format("profile run: {} tokens, {} sequences ({})", with_commas(v.max_num_batched_tokens),
                                v.max_num_seqs, v.batch_defaults)});
  t.rows.push_back({"non-torch", gb(v.non_torch), "cuBLAS/NCCL growth while profiling"});
  t.rows.push_back({"available KV cache", sgb(v.available_kv), "budget - the three above"});
  t.rows.push_back({"KV blocks", with_commas(v.num_blocks),
                    fmt::format("{} tokens x {} B per layer{}", v.block_size, with_commas(v.page_size / std::max<u64>(v.block_size, 1)),
                                v.num_groups > 1 ? fmt::format(", {} groups of {} layers", v.num_groups, v.group_size) : "")});
  t.rows.push_back({"GPU KV cache size", with_commas(v.kv_cache_tokens) + " tokens", ""});
  t.rows.push_back({"max concurrency", fmt::format("{:.2f}x", v.max_concurrency), fmt::format("at {} tokens per request", with_commas(r.context))});
  t.rows.push_back({"largest --max-model-len", with_commas(v.max_model_len_fits), "that starts on this GPU"});
  std::string out = t.render(color);
  out += v.starts ? "  starts. Predicted start-up lines:\n" : "  REFUSES TO START:\n    " + v.error + "\n  Predicted lines:\n";
  for (const auto& l : v.log_lines) out += "    " + l + "\n";
  return out;
}

std::string fit(const SizeReport& r, const Fit& f, bool color) {
  Table t{{f.instance.empty() ? "FIT ON " + f.gpu : "FIT ON " + f.instance + " (" + std::to_string(f.gpus_per_node) + " x " + f.gpu + ")",
           "VALUE", "HOW"},
          {Align::left, Align::right, Align::left}, {}};
  t.rows.push_back({"fits", f.fits ? "yes" : "NO", f.reason});
  t.rows.push_back({"layout", fmt::format("tp {} x pp {}", f.tp, f.pp), f.nodes > 1 ? fmt::format("{} nodes", f.nodes) : ""});
  t.rows.push_back({"headroom", sgb(f.headroom), fmt::format("after {} x {} tokens of KV cache", r.concurrency, with_commas(r.context))});
  t.rows.push_back({"max context", with_commas(f.max_context), fmt::format("at concurrency {}", r.concurrency)});
  t.rows.push_back({"max concurrency", with_commas(f.max_concurrency), fmt::format("at {} tokens", with_commas(r.context))});
  t.rows.push_back({"decode bound", fmt::format("{:.0f} tok/s", f.decode_tokens_per_s),
                    fmt::format("memory-bandwidth upper bound, {} sequence{}{}", r.concurrency, r.concurrency == 1 ? "" : "s",
                                f.replicas > 1 ? fmt::format("; {} copies on the machine: {:.0f} tok/s", f.replicas, f.instance_tokens_per_s) : "")});
  if (!f.instance.empty()) {
    t.rows.push_back({"price", price(f.usd_per_hour, 4) + "/h", f.price_date.empty() ? "" : "on-demand, " + f.price_date});
    t.rows.push_back({"cost", price(f.usd_per_million_tokens, 4), "per 1M output tokens at the bound"});
  }
  std::string out = t.render(color);
  if (r.suggestion)
    out += fmt::format("  fits with --tp {}{} ({} x {})\n", r.suggestion->tp,
                       r.suggestion->pp > 1 ? fmt::format(" --pp {}", r.suggestion->pp) : "",
                       r.suggestion->tp * r.suggestion->pp, r.suggestion->gpu);
  return out;
}

std::string table(const SizeReport& r, bool color) {
  Table t{{"INSTANCE", "GPUS", "LAYOUT", "$/HOUR", "KV TOKENS", "MAX CONC", "TOK/S <=", "$/1M TOK"},
          {Align::left, Align::left, Align::left, Align::right, Align::right, Align::right, Align::right, Align::right}, {}};
  std::size_t misfits = 0;
  for (const Fit& f : r.table) {
    if (!f.fits) {
      ++misfits;
      continue;
    }
    t.rows.push_back({f.instance, fmt::format("{} x {}", f.gpus_per_node, f.gpu),
                      fmt::format("tp {}{}{}", f.tp, f.pp > 1 ? fmt::format(" x pp {}", f.pp) : "",
                                  f.replicas > 1 ? fmt::format(" x {} copies", f.replicas) : ""),
                      price(f.usd_per_hour, 2) + (f.nodes > 1 ? fmt::format(" ({} nodes)", f.nodes) : ""),
                      f.vllm_modelled ? with_commas(f.vllm.kv_cache_tokens) : "n/a",
                      with_commas(f.max_concurrency), fmt::format("{:.0f}", f.instance_tokens_per_s),
                      price(f.usd_per_million_tokens, 3)});
  }
  std::string out = fmt::format("FIT ACROSS THE CATALOG ({} x {} tokens, cheapest first)\n", r.concurrency, with_commas(r.context));
  out += t.rows.empty() ? "  no instance in the catalog fits\n" : t.render(color);
  if (misfits) out += fmt::format("  {} more instances do not fit (-o json lists every one with its reason)\n", misfits);
  return out;
}

std::string guide(const SizeReport& r, bool color) {
  const GuideEstimate& g = *r.guide;
  const MemoryEstimate& e = r.estimate;
  Table t{{fmt::format("GUIDE VS EXACT ({} tokens)", with_commas(g.context)), "GUIDE", "EXACT"},
          {Align::left, Align::right, Align::right}, {}};
  t.rows.push_back({"weights", fmt::format("{:.2f} GiB", g.weights_gib), gb(e.weights)});
  t.rows.push_back({"activations", fmt::format("{:.2f} GiB", g.activations_gib), gb(e.activation)});
  t.rows.push_back({"KV cache", fmt::format("{:.1f} GiB", g.kv_gib), gb(e.kv)});
  t.rows.push_back({"KV per token", fmt::format("{:.1f} MB", g.kv_mb_per_token), with_commas(r.kv_model.bytes_per_token()) + " B"});
  t.rows.push_back({"runtime", "-", gb(e.runtime.total())});
  t.rows.push_back({"total", fmt::format("{:.2f} GiB", g.total_gib), gb(e.total)});
  return t.render(color) + "  " + g.why + "\n";
}

std::string explain(const std::vector<ExplainStep>& steps, bool color) {
  Table t{{"STEP", "FORMULA", "WITH THE NUMBERS", "RESULT"}, {}, {}};
  for (const auto& s : steps) t.rows.push_back({s.figure, s.formula, s.substituted, s.result});
  return t.render(color);
}

}  // namespace

std::string render_size_report(const SizeReport& r, const std::vector<ExplainStep>& steps, bool color) {
  std::string out = header(r);
  out += parameters(r, color) + "\n" + weights(r, color) + "\n" + kv(r, color) + "\n" + memory(r, color) + "\n";
  if (r.fit && r.fit->vllm_modelled) out += vllm(r, *r.fit, color) + "\n";
  if (r.fit) out += fit(r, *r.fit, color) + "\n";
  if (!r.fit) out += table(r, color) + "\n";
  if (r.guide) out += guide(r, color) + "\n";
  if (!steps.empty()) out += explain(steps, color) + "\n";
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace llmctl
