// ModelConfig -> JSON (stable snake_case names for `-o json|yaml`), and the
// small ModelConfig helpers.
#include "model/config.hpp"

#include <algorithm>

namespace llmctl {

std::string family_name(ModelFamily family) {
  switch (family) {
    case ModelFamily::qwen2: return "qwen2";
    case ModelFamily::qwen3: return "qwen3";
    case ModelFamily::qwen3_moe: return "qwen3_moe";
    case ModelFamily::llama: return "llama";
    case ModelFamily::mistral: return "mistral";
    case ModelFamily::mixtral: return "mixtral";
    case ModelFamily::deepseek_v3: return "deepseek_v3";
    case ModelFamily::gemma2: return "gemma2";
    case ModelFamily::gemma3: return "gemma3";
    case ModelFamily::gpt_oss: return "gpt_oss";
    case ModelFamily::phi3: return "phi3";
    case ModelFamily::generic: return "generic";
  }
  return "generic";
}

std::uint64_t ModelConfig::sliding_layer_count() const {
  return static_cast<std::uint64_t>(std::count_if(layers.begin(), layers.end(), [](const LayerAttention& l) {
    return l.kind == AttentionKind::sliding;
  }));
}

bool ModelConfig::is_moe_layer(std::uint64_t layer) const {
  return moe && layer < moe->layers.size() && moe->layers[layer];
}

namespace {

template <typename T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json rope_json(const std::optional<RopeScaling>& rope) {
  if (!rope) return nullptr;
  Json j{{"type", rope->type}, {"factor", rope->factor}};
  // Type-specific fields only when present, so the object reads like the config.
  if (rope->original_max_position_embeddings)
    j["original_max_position_embeddings"] = *rope->original_max_position_embeddings;
  auto add = [&](const char* key, const std::optional<double>& v) {
    if (v) j[key] = *v;
  };
  add("low_freq_factor", rope->low_freq_factor);
  add("high_freq_factor", rope->high_freq_factor);
  add("beta_fast", rope->beta_fast);
  add("beta_slow", rope->beta_slow);
  add("mscale", rope->mscale);
  add("mscale_all_dim", rope->mscale_all_dim);
  add("attention_factor", rope->attention_factor);
  if (!rope->short_factor.empty()) j["short_factor"] = rope->short_factor;
  if (!rope->long_factor.empty()) j["long_factor"] = rope->long_factor;
  return j;
}

Json moe_json(const std::optional<MoeConfig>& moe) {
  if (!moe) return nullptr;
  const auto moe_layers = std::count(moe->layers.begin(), moe->layers.end(), true);
  return Json{{"num_experts", moe->num_experts},
              {"experts_per_token", moe->experts_per_token},
              {"expert_intermediate_size", moe->expert_intermediate_size},
              {"num_shared_experts", moe->num_shared_experts},
              {"shared_intermediate_size", moe->shared_intermediate_size},
              {"moe_layers", moe_layers},
              {"dense_layers", static_cast<std::int64_t>(moe->layers.size()) - moe_layers},
              {"first_k_dense_replace", moe->first_k_dense_replace},
              {"layer_freq", moe->layer_freq},
              {"router_bias", moe->router_bias},
              {"expert_bias", moe->expert_bias},
              {"score_correction_bias", moe->score_correction_bias},
              {"norm_topk_prob", moe->norm_topk_prob},
              {"scoring_func", moe->scoring_func},
              {"n_group", moe->n_group},
              {"topk_group", moe->topk_group},
              {"routed_scaling_factor", moe->routed_scaling_factor}};
}

Json mla_json(const std::optional<MlaConfig>& mla) {
  if (!mla) return nullptr;
  return Json{{"q_lora_rank", optional_json(mla->q_lora_rank)},
              {"kv_lora_rank", mla->kv_lora_rank},
              {"qk_nope_head_dim", mla->qk_nope_head_dim},
              {"qk_rope_head_dim", mla->qk_rope_head_dim},
              {"v_head_dim", mla->v_head_dim}};
}

Json quantization_json(const std::optional<QuantizationConfig>& q) {
  if (!q) return nullptr;
  return Json{{"quant_method", q->quant_method},
              {"bits", optional_json(q->bits)},
              {"group_size", optional_json(q->group_size)},
              {"fmt", q->fmt.empty() ? Json(nullptr) : Json(q->fmt)},
              {"activation_scheme", q->activation_scheme.empty() ? Json(nullptr) : Json(q->activation_scheme)},
              {"weight_block_size", q->weight_block_size},
              {"modules_to_not_convert", q->modules_to_not_convert}};
}

Json vision_json(const std::optional<VisionConfig>& v) {
  if (!v) return nullptr;
  return Json{{"model_type", v->model_type},
              {"hidden_size", v->hidden_size},
              {"intermediate_size", v->intermediate_size},
              {"num_hidden_layers", v->num_hidden_layers},
              {"num_attention_heads", v->num_attention_heads},
              {"num_channels", v->num_channels},
              {"image_size", v->image_size},
              {"patch_size", v->patch_size},
              {"use_head", v->use_head},
              {"mm_tokens_per_image", v->mm_tokens_per_image},
              {"counted", v->counted}};
}

}  // namespace

Json model_config_to_json(const ModelConfig& c) {
  Json layer_types = Json::array();
  for (const auto& layer : c.layers)
    layer_types.push_back(layer.kind == AttentionKind::sliding ? "sliding_attention" : "full_attention");
  const std::uint64_t sliding = c.sliding_layer_count();

  Json j;
  j["architecture"] = c.architecture;
  j["model_type"] = c.model_type;
  j["family"] = family_name(c.family);
  j["multimodal"] = c.multimodal;
  j["hidden_size"] = c.hidden_size;
  j["num_hidden_layers"] = c.num_hidden_layers;
  j["num_attention_heads"] = c.num_attention_heads;
  j["num_key_value_heads"] = c.num_key_value_heads;
  j["head_dim"] = c.head_dim;
  j["intermediate_size"] = c.intermediate_size;
  j["vocab_size"] = c.vocab_size;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["rope_theta"] = c.rope_theta;
  j["rope_scaling"] = rope_json(c.rope_scaling);
  j["partial_rotary_factor"] = c.partial_rotary_factor;
  j["rope_local_base_freq"] = optional_json(c.rope_local_base_freq);
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  j["torch_dtype"] = c.torch_dtype.empty() ? Json(nullptr) : Json(c.torch_dtype);
  j["hidden_act"] = c.hidden_act;
  j["attention_bias"] = c.attention_bias;
  j["attention_output_bias"] = c.attention_output_bias;
  j["qk_norm"] = c.qk_norm;
  j["mlp_bias"] = c.mlp_bias;
  j["sliding_window"] = optional_json(c.sliding_window);
  j["full_attention_layers"] = c.num_hidden_layers - sliding;
  j["sliding_attention_layers"] = sliding;
  j["layer_types"] = std::move(layer_types);
  j["moe"] = moe_json(c.moe);
  j["mla"] = mla_json(c.mla);
  j["quantization"] = quantization_json(c.quantization);
  j["query_pre_attn_scalar"] = optional_json(c.query_pre_attn_scalar);
  j["attn_logit_softcapping"] = optional_json(c.attn_logit_softcapping);
  j["final_logit_softcapping"] = optional_json(c.final_logit_softcapping);
  j["pre_post_feedforward_norms"] = c.pre_post_feedforward_norms;
  j["attention_sinks"] = c.attention_sinks;
  j["swiglu_limit"] = optional_json(c.swiglu_limit);
  j["mtp_layers"] = c.mtp_layers;
  j["vision"] = vision_json(c.vision);
  j["bos_token_id"] = optional_json(c.bos_token_id);
  j["eos_token_ids"] = c.eos_token_ids;
  j["pad_token_id"] = optional_json(c.pad_token_id);
  j["notes"] = c.notes;
  return j;
}

}  // namespace llmctl
