// Family detection, transformers' per-class defaults, and the family rules for
// layer patterns, MoE and MLA. Every default below is the keyword default of
// the matching transformers config class (configuration_<family>.py); for
// DeepSeek-V3 fields transformers does not define (moe_layer_freq, topk_method,
// scoring_func) the defaults of DeepSeek's own configuration_deepseek.py apply.
#include "model/config_families.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace llmctl::detail {

ModelFamily detect_family(const std::string& model_type, const std::string& architecture) {
  static constexpr std::pair<const char*, ModelFamily> kByModelType[] = {
      {"qwen2", ModelFamily::qwen2},        {"qwen3", ModelFamily::qwen3},
      {"qwen3_moe", ModelFamily::qwen3_moe}, {"llama", ModelFamily::llama},
      {"mistral", ModelFamily::mistral},    {"mixtral", ModelFamily::mixtral},
      {"deepseek_v3", ModelFamily::deepseek_v3}, {"gemma2", ModelFamily::gemma2},
      {"gemma3", ModelFamily::gemma3},      {"gemma3_text", ModelFamily::gemma3},
      {"gpt_oss", ModelFamily::gpt_oss},    {"phi3", ModelFamily::phi3},
  };
  for (const auto& [name, family] : kByModelType)
    if (model_type == name) return family;

  // Architecture class names: "<Prefix>For<Task>".
  static constexpr std::pair<const char*, ModelFamily> kByArchitecture[] = {
      {"Qwen2", ModelFamily::qwen2},       {"Qwen3", ModelFamily::qwen3},
      {"Qwen3Moe", ModelFamily::qwen3_moe}, {"Llama", ModelFamily::llama},
      {"Mistral", ModelFamily::mistral},   {"Mixtral", ModelFamily::mixtral},
      {"DeepseekV3", ModelFamily::deepseek_v3}, {"Gemma2", ModelFamily::gemma2},
      {"Gemma3", ModelFamily::gemma3},     {"GptOss", ModelFamily::gpt_oss},
      {"Phi3", ModelFamily::phi3},
  };
  const auto pos = architecture.find("For");
  if (pos == std::string::npos) return ModelFamily::generic;
  const std::string prefix = architecture.substr(0, pos);
  for (const auto& [name, family] : kByArchitecture)
    if (prefix == name) return family;
  return ModelFamily::generic;
}

FamilyDefaults family_defaults(ModelFamily family) {
  FamilyDefaults d;
  switch (family) {
    case ModelFamily::qwen2:  // Qwen2Config
      d = {151936, 4096, 22016, 32, 32, 32, std::nullopt, 32768, 1e-6, 10000.0, false, "silu", false, 4096, true};
      break;
    case ModelFamily::qwen3:  // Qwen3Config
      d = {151936, 4096, 22016, 32, 32, 32, 128, 32768, 1e-6, 10000.0, false, "silu", false, 4096, true};
      break;
    case ModelFamily::qwen3_moe:  // Qwen3MoeConfig (head_dim: modeling falls back to hidden/heads)
      d = {151936, 2048, 6144, 24, 32, 4, std::nullopt, 32768, 1e-6, 10000.0, false, "silu", false, 4096, true};
      break;
    case ModelFamily::llama:  // LlamaConfig
      d = {32000, 4096, 11008, 32, 32, std::nullopt, std::nullopt, 2048, 1e-6, 10000.0, false, "silu", false,
           std::nullopt, true};
      break;
    case ModelFamily::mistral:  // MistralConfig (sliding_window 4096 unless set to null)
      d = {32000, 4096, 14336, 32, 32, 8, std::nullopt, 4096 * 32, 1e-6, 10000.0, false, "silu", false, 4096, true};
      break;
    case ModelFamily::mixtral:  // MixtralConfig
      d = {32000, 4096, 14336, 32, 32, 8, std::nullopt, 4096 * 32, 1e-5, 1e6, false, "silu", false,
           std::nullopt, true};
      break;
    case ModelFamily::deepseek_v3:  // DeepseekV3Config; MLA has no KV heads of its own, so
                                    // num_key_value_heads follows the heads (128 = 128 by default)
      d = {129280, 7168, 18432, 61, 128, std::nullopt, std::nullopt, 4096, 1e-6, 10000.0, false, "silu", false,
           std::nullopt, true};
      break;
    case ModelFamily::gemma2:  // Gemma2Config
      d = {256000, 2304, 9216, 26, 8, 4, 256, 8192, 1e-6, 10000.0, true, "gelu_pytorch_tanh", false, 4096, true};
      break;
    case ModelFamily::gemma3:  // Gemma3TextConfig
      d = {262208, 2304, 9216, 26, 8, 4, 256, 131072, 1e-6, 1e6, true, "gelu_pytorch_tanh", false, 4096, true};
      break;
    case ModelFamily::gpt_oss:  // GptOssConfig
      d = {201088, 2880, 2880, 36, 64, 8, 64, 131072, 1e-5, 150000.0, false, "silu", true, 128, true};
      break;
    case ModelFamily::phi3:  // Phi3Config
      d = {32064, 3072, 8192, 32, 32, std::nullopt, std::nullopt, 4096, 1e-5, 10000.0, false, "silu", false,
           std::nullopt, true};
      break;
    case ModelFamily::generic:
      // PretrainedConfig: tie_word_embeddings defaults to true; sizes have no default.
      d.tie_word_embeddings = true;
      d.has_defaults = false;
      break;
  }
  return d;
}

void parse_layer_attention(const ConfigReader& reader, const FamilyDefaults& defaults, ModelConfig& config) {
  const std::uint64_t n = config.num_hidden_layers;

  // Absent: the class default; explicit null: no sliding window at all.
  std::optional<std::uint64_t> window = defaults.sliding_window;
  if (reader.present("sliding_window")) window = reader.uint("sliding_window");
  if (window && *window == 0) window.reset();

  std::vector<bool> sliding(n, false);
  if (const Json* types = reader.find("layer_types")) {
    const std::string name = reader.field_name("layer_types");
    if (!types->is_array())
      throw reader.field_error("layer_types", fmt::format("must be an array, got {}", describe_json(*types)));
    if (types->size() != n)
      throw reader.field_error("layer_types", fmt::format("has {} entries but num_hidden_layers is {}",
                                                          types->size(), n));
    for (std::size_t i = 0; i < n; ++i) {
      const Json& t = (*types)[i];
      const std::string kind = t.is_string() ? t.get<std::string>() : std::string();
      if (kind == "sliding_attention") sliding[i] = true;
      else if (kind != "full_attention")
        throw reader.error(fmt::format(
            "field '{}[{}]' is {}; llmctl supports \"full_attention\" and \"sliding_attention\" layers",
            name, i, describe_json(t)));
    }
  } else {
    switch (config.family) {
      case ModelFamily::qwen2:
      case ModelFamily::qwen3:
      case ModelFamily::qwen3_moe: {
        // transformers: sliding only with use_sliding_window, for layers >= max_window_layers.
        if (reader.boolean("use_sliding_window").value_or(false) && window) {
          const std::uint64_t first = reader.uint("max_window_layers").value_or(28);
          for (std::uint64_t i = first; i < n; ++i) sliding[i] = true;
        }
        break;
      }
      case ModelFamily::mistral:
      case ModelFamily::mixtral:
      case ModelFamily::phi3:
        // One window for every layer when set (vLLM and transformers alike).
        if (window) std::fill(sliding.begin(), sliding.end(), true);
        break;
      case ModelFamily::generic:
        if (window && reader.boolean("use_sliding_window").value_or(true))
          std::fill(sliding.begin(), sliding.end(), true);
        break;
      case ModelFamily::gemma2:
      case ModelFamily::gpt_oss:
        // "sliding_attention" if (i + 1) % 2 else "full_attention": even layers slide.
        for (std::uint64_t i = 0; i < n; ++i) sliding[i] = (i + 1) % 2 != 0;
        break;
      case ModelFamily::gemma3: {
        // (i + 1) % sliding_window_pattern: 5 sliding layers then 1 global for the default 6.
        const std::uint64_t pattern = reader.uint("sliding_window_pattern").value_or(6);
        if (pattern == 0) throw reader.field_error("sliding_window_pattern", "must be positive, got 0");
        for (std::uint64_t i = 0; i < n; ++i) sliding[i] = (i + 1) % pattern != 0;
        break;
      }
      case ModelFamily::llama:
      case ModelFamily::deepseek_v3:
        break;
    }
  }

  const bool any_sliding = std::find(sliding.begin(), sliding.end(), true) != sliding.end();
  if (any_sliding && !window)
    throw reader.field_error("sliding_window", "must be a positive integer: some layers use sliding-window attention");
  config.sliding_window = any_sliding ? window : std::nullopt;
  config.layers.assign(n, LayerAttention{});
  for (std::uint64_t i = 0; i < n; ++i)
    if (sliding[i]) config.layers[i] = {AttentionKind::sliding, *window};
}

namespace {

// First present key among `keys` as an unsigned integer.
std::optional<std::uint64_t> first_uint(const ConfigReader& reader, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (auto v = reader.uint(key)) return v;
  return std::nullopt;
}

void validate_moe(const ConfigReader& reader, const MoeConfig& moe, const char* experts_key,
                  const char* topk_key, const char* size_key) {
  if (moe.experts_per_token == 0 || moe.experts_per_token > moe.num_experts)
    throw reader.field_error(topk_key, fmt::format("must be between 1 and {} ({}), got {}", moe.num_experts,
                                                   reader.field_name(experts_key), moe.experts_per_token));
  if (moe.expert_intermediate_size == 0) throw reader.field_error(size_key, "must be positive, got 0");
}

}  // namespace

void parse_moe(const ConfigReader& reader, ModelConfig& config) {
  const std::uint64_t n = config.num_hidden_layers;
  MoeConfig moe;
  moe.scoring_func = "softmax";
  switch (config.family) {
    case ModelFamily::qwen3_moe: {
      moe.num_experts = reader.uint("num_experts").value_or(128);
      if (moe.num_experts == 0) return;  // transformers: num_experts 0 means a dense model
      moe.experts_per_token = reader.uint("num_experts_per_tok").value_or(8);
      moe.expert_intermediate_size = reader.uint("moe_intermediate_size").value_or(768);
      moe.layer_freq = reader.uint("decoder_sparse_step").value_or(1);
      if (moe.layer_freq == 0) throw reader.field_error("decoder_sparse_step", "must be positive, got 0");
      moe.norm_topk_prob = reader.boolean("norm_topk_prob").value_or(false);
      std::vector<bool> dense_only(n, false);
      if (const Json* only = reader.find("mlp_only_layers")) {
        if (!only->is_array())
          throw reader.field_error("mlp_only_layers", fmt::format("must be an array, got {}", describe_json(*only)));
        for (std::size_t i = 0; i < only->size(); ++i) {
          const auto layer = json_to_uint((*only)[i], reader, fmt::format("{}[{}]", reader.field_name("mlp_only_layers"), i));
          if (layer >= n)
            throw reader.field_error("mlp_only_layers", fmt::format("lists layer {} but the model has {} layers", layer, n));
          dense_only[layer] = true;
        }
      }
      // Qwen3MoeDecoderLayer: sparse when not in mlp_only_layers and (i + 1) % decoder_sparse_step == 0.
      moe.layers.resize(n);
      for (std::uint64_t i = 0; i < n; ++i) moe.layers[i] = !dense_only[i] && (i + 1) % moe.layer_freq == 0;
      validate_moe(reader, moe, "num_experts", "num_experts_per_tok", "moe_intermediate_size");
      break;
    }
    case ModelFamily::mixtral:
    case ModelFamily::gpt_oss: {
      const bool oss = config.family == ModelFamily::gpt_oss;
      moe.num_experts = reader.uint("num_local_experts").value_or(oss ? 128 : 8);
      moe.experts_per_token =
          first_uint(reader, {"num_experts_per_tok", "experts_per_token"}).value_or(oss ? 4 : 2);
      moe.expert_intermediate_size = config.intermediate_size;  // every layer's MLP is the expert block
      moe.layers.assign(n, true);
      moe.norm_topk_prob = true;  // both softmax over the selected top-k logits
      moe.router_bias = oss;
      moe.expert_bias = oss;
      if (moe.num_experts == 0) throw reader.field_error("num_local_experts", "must be positive, got 0");
      validate_moe(reader, moe, "num_local_experts", "num_experts_per_tok", "intermediate_size");
      break;
    }
    case ModelFamily::deepseek_v3: {
      if (reader.is_null("n_routed_experts")) return;  // None means a dense model
      moe.num_experts = reader.uint("n_routed_experts").value_or(256);
      if (moe.num_experts == 0) return;
      moe.experts_per_token = reader.uint("num_experts_per_tok").value_or(8);
      moe.expert_intermediate_size = reader.uint("moe_intermediate_size").value_or(2048);
      moe.num_shared_experts = reader.uint("n_shared_experts").value_or(1);
      moe.shared_intermediate_size = moe.expert_intermediate_size;
      moe.first_k_dense_replace = reader.uint("first_k_dense_replace").value_or(3);
      moe.layer_freq = reader.uint("moe_layer_freq").value_or(1);
      if (moe.layer_freq == 0) throw reader.field_error("moe_layer_freq", "must be positive, got 0");
      moe.norm_topk_prob = reader.boolean("norm_topk_prob").value_or(true);
      moe.scoring_func = reader.string("scoring_func").value_or("sigmoid");
      moe.n_group = reader.uint("n_group").value_or(8);
      moe.topk_group = reader.uint("topk_group").value_or(4);
      moe.routed_scaling_factor = reader.number("routed_scaling_factor").value_or(2.5);
      // noaux_tc routing keeps a per-expert bias (e_score_correction_bias) in the gate.
      moe.score_correction_bias = reader.string("topk_method").value_or("noaux_tc") == "noaux_tc";
      // DeepseekV3DecoderLayer: MoE when i >= first_k_dense_replace and i % moe_layer_freq == 0.
      moe.layers.resize(n);
      for (std::uint64_t i = 0; i < n; ++i)
        moe.layers[i] = i >= moe.first_k_dense_replace && i % moe.layer_freq == 0;
      validate_moe(reader, moe, "n_routed_experts", "num_experts_per_tok", "moe_intermediate_size");
      break;
    }
    case ModelFamily::generic: {
      const char* experts_key = nullptr;
      for (const char* key : {"num_local_experts", "num_experts", "n_routed_experts"})
        if (reader.uint(key).value_or(0) > 0) { experts_key = key; break; }
      if (!experts_key) return;
      moe.num_experts = *reader.uint(experts_key);
      const auto topk = first_uint(reader, {"num_experts_per_tok", "experts_per_token", "moe_top_k"});
      if (!topk)
        throw reader.error(fmt::format("field '{}' declares experts but num_experts_per_tok is missing",
                                       reader.field_name(experts_key)));
      moe.experts_per_token = *topk;
      moe.expert_intermediate_size = reader.uint("moe_intermediate_size").value_or(config.intermediate_size);
      moe.layers.assign(n, true);
      validate_moe(reader, moe, experts_key, "num_experts_per_tok", "moe_intermediate_size");
      config.notes.push_back("mixture-of-experts layout assumed Mixtral-style (every layer, gated experts, "
                             "bias-free router); the parameter count may be approximate");
      break;
    }
    default:
      return;
  }
  config.moe = std::move(moe);
}

void parse_mla(const ConfigReader& reader, ModelConfig& config) {
  if (config.family != ModelFamily::deepseek_v3) return;
  MlaConfig mla;
  // Explicit null q_lora_rank (DeepSeek-V2-Lite style) means a plain q_proj.
  if (!reader.is_null("q_lora_rank")) mla.q_lora_rank = reader.uint("q_lora_rank").value_or(1536);
  mla.kv_lora_rank = reader.uint("kv_lora_rank").value_or(512);
  mla.qk_nope_head_dim = reader.uint("qk_nope_head_dim").value_or(128);
  mla.qk_rope_head_dim = reader.uint("qk_rope_head_dim").value_or(64);
  mla.v_head_dim = reader.uint("v_head_dim").value_or(128);
  if (mla.q_lora_rank && *mla.q_lora_rank == 0) throw reader.field_error("q_lora_rank", "must be positive or null, got 0");
  for (auto [key, value] : {std::pair{"kv_lora_rank", mla.kv_lora_rank}, {"qk_nope_head_dim", mla.qk_nope_head_dim},
                            {"qk_rope_head_dim", mla.qk_rope_head_dim}, {"v_head_dim", mla.v_head_dim}})
    if (value == 0) throw reader.field_error(key, "must be positive, got 0");
  // Per-head q/k width; the KV cache holds the latent instead (see MlaConfig).
  config.head_dim = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
  config.mla = mla;
  config.mtp_layers = reader.uint("num_nextn_predict_layers").value_or(0);
}

void parse_family_flags(const ConfigReader& reader, const FamilyDefaults& defaults, ModelConfig& config) {
  const ModelFamily f = config.family;
  const bool flag = reader.boolean("attention_bias").value_or(defaults.attention_bias);
  switch (f) {
    case ModelFamily::qwen2:  // Qwen2Attention: q/k/v bias=True, o_proj bias=False, whatever the config says
      config.attention_bias = true;
      config.attention_output_bias = false;
      break;
    case ModelFamily::mistral:
    case ModelFamily::mixtral:
    case ModelFamily::phi3:  // these attention classes hard-code bias=False
      break;
    default:  // Llama, Qwen3, Gemma, gpt-oss, DeepSeek (q_a/kv_a/o), generic: one flag for all
      config.attention_bias = flag;
      config.attention_output_bias = flag;
      break;
  }
  config.qk_norm = f == ModelFamily::qwen3 || f == ModelFamily::qwen3_moe || f == ModelFamily::gemma3;
  if (f == ModelFamily::llama || f == ModelFamily::generic)
    config.mlp_bias = reader.boolean("mlp_bias").value_or(false);

  if (f == ModelFamily::gemma2 || f == ModelFamily::gemma3) {
    const bool g2 = f == ModelFamily::gemma2;
    // Absent: the class default; explicit null: disabled.
    auto optional_number = [&](const char* key, std::optional<double> fallback) -> std::optional<double> {
      if (reader.present(key)) return reader.number(key);
      return fallback;
    };
    config.query_pre_attn_scalar = optional_number("query_pre_attn_scalar", 256.0);
    config.attn_logit_softcapping = optional_number("attn_logit_softcapping", g2 ? std::optional(50.0) : std::nullopt);
    config.final_logit_softcapping = optional_number("final_logit_softcapping", g2 ? std::optional(30.0) : std::nullopt);
    config.pre_post_feedforward_norms = true;  // pre/post_feedforward_layernorm in every layer
  }
  if (f == ModelFamily::gpt_oss) {
    config.attention_sinks = true;  // GptOssAttention.sinks: one logit per head
    config.swiglu_limit = reader.number("swiglu_limit").value_or(7.0);
  }
}

}  // namespace llmctl::detail
