#include "sizing/report_json.hpp"

#include "util/units.hpp"

#include <cmath>

namespace llmctl {

namespace {

using u64 = std::uint64_t;

Json nullable_price(const std::optional<double>& v) { return v ? Json(std::round(*v * 10000.0) / 10000.0) : Json(nullptr); }

Json architecture(const SizeReport& r) {
  const ModelConfig& c = r.config;
  Json moe = nullptr;
  if (c.moe)
    moe = Json{{"experts", c.moe->num_experts},
               {"experts_per_token", c.moe->experts_per_token},
               {"shared_experts", c.moe->num_shared_experts}};
  return Json{{"name", c.architecture},
              {"family", family_name(c.family)},
              {"layers", c.num_hidden_layers},
              {"hidden_size", c.hidden_size},
              {"attention_heads", c.num_attention_heads},
              {"kv_heads", c.num_key_value_heads},
              {"head_dim", c.head_dim},
              {"vocab_size", c.vocab_size},
              {"max_position_embeddings", c.max_position_embeddings},
              {"full_attention_layers", r.kv_model.full_layers},
              {"sliding_attention_layers", r.kv_model.sliding_layers},
              {"sliding_window", c.sliding_window ? Json(*c.sliding_window) : Json(nullptr)},
              {"mla", c.mla.has_value()},
              {"moe", moe}};
}

Json weights(const SizeReport& r) {
  Json types = Json::array();
  for (const auto& t : r.weights.by_type)
    types.push_back(Json{{"type", t.type}, {"params", t.params}, {"bytes", t.bytes}, {"human", format_bytes(t.bytes)}});
  return Json{{"precision", r.weights.precision.name},
              {"precision_source", r.weights.precision.source},
              {"params", r.weights.params},
              {"bytes", r.weights.bytes},
              {"human", format_bytes(r.weights.bytes)},
              {"quantization_overhead", bytes_json(static_cast<std::int64_t>(r.weights.aux_bytes))},
              {"by_type", types}};
}

Json kv_cache(const SizeReport& r) {
  const KvCacheShape& k = r.kv_model;
  const u64 seq = kv_sequence_bytes(k, r.context);
  return Json{{"dtype", r.kv.name},
              {"dtype_source", r.kv.source},
              {"bytes_per_element", r.kv.bytes},
              {"mla", k.mla},
              {"kv_heads", k.kv_heads_per_rank},
              {"head_size", k.head_size},
              {"per_layer_bytes_per_token", k.per_layer_bytes_per_token},
              {"bytes_per_token", k.bytes_per_token()},
              {"formula", kv_per_layer_formula(k)},
              {"per_sequence", bytes_json(static_cast<std::int64_t>(seq))},
              {"workload", bytes_json(static_cast<std::int64_t>(seq * r.concurrency))}};
}

Json memory(const SizeReport& r) {
  const MemoryEstimate& e = r.estimate;
  const auto by = [](u64 v) { return bytes_json(static_cast<std::int64_t>(v)); };
  return Json{{"gpus", r.tp * r.pp},
              {"weights", by(e.weights)},
              {"kv_cache", by(e.kv)},
              {"activations", Json{{"bytes", e.activation},
                                   {"human", format_bytes(e.activation)},
                                   {"per_token_bytes", e.activation_per_token},
                                   {"prefill_tokens", r.prefill_tokens},
                                   {"logits_bytes", e.logits}}},
              {"runtime", Json{{"bytes", e.runtime.total()},
                               {"human", format_bytes(e.runtime.total())},
                               {"cuda_context_bytes", e.runtime.cuda_context},
                               {"cublas_workspace_bytes", e.runtime.cublas_workspace},
                               {"non_torch_bytes", e.runtime.non_torch},
                               {"cuda_graphs_bytes", e.runtime.cuda_graphs}}},
              {"total_per_gpu", by(e.total)},
              {"total_all_gpus", by(e.total_all_gpus)}};
}

Json guide(const GuideEstimate& g) {
  return Json{{"context", g.context},
              {"params_billions", g.params_billions},
              {"weights_gib", g.weights_gib},
              {"activations_gib", g.activations_gib},
              {"kv_bytes_per_token", g.kv_bytes_per_token},
              {"kv_mb_per_token", g.kv_mb_per_token},
              {"kv_cache_gib", g.kv_gib},
              {"total_gib", std::round(g.total_gib * 100.0) / 100.0},
              {"why_it_differs", g.why}};
}

}  // namespace

Json bytes_json(std::int64_t bytes) {
  const std::string human = format_bytes(static_cast<u64>(bytes < 0 ? -bytes : bytes));
  return Json{{"bytes", bytes}, {"human", bytes < 0 ? "-" + human : human}};
}

Json vllm_prediction_to_json(const VllmPrediction& v, u64 max_model_len) {
  const auto by = [](u64 x) { return bytes_json(static_cast<std::int64_t>(x)); };
  return Json{{"version", v.version},
              {"engine", v.engine},
              {"gpu", v.gpu},
              {"gpu_memory_measured", v.gpu_memory_measured},
              {"gpu_memory_utilization", v.gpu_memory_utilization},
              {"block_size", v.block_size},
              {"max_model_len", max_model_len},
              {"max_num_batched_tokens", v.max_num_batched_tokens},
              {"max_num_seqs", v.max_num_seqs},
              {"batch_defaults", v.batch_defaults},
              {"total_memory", by(v.total_memory)},
              {"requested_memory", by(v.requested_memory)},
              {"weights", by(v.weights)},
              {"rope_cache", by(v.rope_cache)},
              {"activation_peak", by(v.activation_peak)},
              {"activation_forward", by(v.activation_forward)},
              {"activation_sampler", by(v.activation_sampler)},
              {"non_torch", by(v.non_torch)},
              {"cuda_graphs_in_budget", by(v.cuda_graphs_in_budget)},
              {"available_kv", bytes_json(v.available_kv)},
              {"pipeline_stage", v.stage},
              {"page_size_bytes", v.page_size},
              {"kv_cache_groups", v.num_groups},
              {"layers_per_group", v.group_size},
              {"num_blocks", v.num_blocks},
              {"kv_cache_tokens", v.kv_cache_tokens},
              {"max_concurrency", std::round(v.max_concurrency * 100.0) / 100.0},
              {"blocks_per_request", v.blocks_per_request},
              {"needed_for_one_request", by(v.needed_memory)},
              {"max_model_len_that_starts", v.max_model_len_fits},
              {"starts", v.starts},
              {"error", v.error.empty() ? Json(nullptr) : Json(v.error)},
              {"log_lines", v.log_lines}};
}

Json fit_to_json(const Fit& f, u64 max_model_len) {
  return Json{{"gpu", f.gpu},
              {"instance", f.instance.empty() ? Json(nullptr) : Json(f.instance)},
              {"provider", f.provider.empty() ? Json(nullptr) : Json(f.provider)},
              {"gpus_per_node", f.gpus_per_node},
              {"tp", f.tp},
              {"pp", f.pp},
              {"nodes", f.nodes},
              {"fits", f.fits},
              {"reason", f.reason},
              {"headroom", bytes_json(f.headroom)},
              {"max_context_at_concurrency", f.max_context},
              {"max_concurrency_at_context", f.max_concurrency},
              {"replicas", f.replicas},
              {"decode_tokens_per_s_bound", std::round(f.decode_tokens_per_s * 10.0) / 10.0},
              {"instance_tokens_per_s_bound", std::round(f.instance_tokens_per_s * 10.0) / 10.0},
              {"usd_per_hour", nullable_price(f.usd_per_hour)},
              {"usd_per_million_output_tokens", nullable_price(f.usd_per_million_tokens)},
              {"price_date", f.price_date.empty() ? Json(nullptr) : Json(f.price_date)},
              {"total_per_gpu", bytes_json(static_cast<std::int64_t>(f.estimate.total))},
              {"vllm", f.vllm_modelled ? vllm_prediction_to_json(f.vllm, max_model_len) : Json(nullptr)}};
}

Json size_report_to_json(const SizeReport& r, const std::vector<ExplainStep>& explain) {
  Json table = Json::array();
  for (const Fit& f : r.table) table.push_back(fit_to_json(f, r.context));
  Json constants = Json::array();
  for (const auto& c : r.constants.all())
    constants.push_back(Json{{"name", c.name}, {"value", c.value}, {"unit", c.unit}, {"source", c.source},
                             {"overridden", c.overridden}});
  Json data{
      {"model", r.model},
      {"source", Json{{"config", Json{{"kind", r.config_source_kind}, {"detail", r.config_source}}},
                      {"weights", Json{{"kind", r.weights.source_kind}, {"detail", r.weights.source}}}}},
      {"architecture", architecture(r)},
      {"parameters", parameters_to_json(r.params)},
      {"weights", weights(r)},
      {"kv_cache", kv_cache(r)},
      {"workload", Json{{"context", r.context},
                        {"context_is_model_max", r.context_is_default},
                        {"concurrency", r.concurrency},
                        {"tp", r.tp},
                        {"pp", r.pp},
                        {"prefill_tokens", r.prefill_tokens}}},
      {"memory", memory(r)},
      {"vllm", (r.fit && r.fit->vllm_modelled) ? vllm_prediction_to_json(r.fit->vllm, r.context) : Json(nullptr)},
      {"fit", r.fit ? fit_to_json(*r.fit, r.context) : Json(nullptr)},
      {"suggestion", r.suggestion ? fit_to_json(*r.suggestion, r.context) : Json(nullptr)},
      {"fit_table", table},
      {"guide", r.guide ? guide(*r.guide) : Json(nullptr)},
      {"vllm_version", r.constants.version()},
      {"vllm_constants", constants},
      {"notes", r.notes}};
  Json steps = Json::array();
  for (const auto& s : explain)
    steps.push_back(Json{{"figure", s.figure}, {"formula", s.formula}, {"substituted", s.substituted}, {"result", s.result}});
  data["explain"] = explain.empty() ? Json(nullptr) : steps;  // filled by --explain
  return data;
}

}  // namespace llmctl
