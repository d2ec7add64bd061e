// The nested sections of config.json: RoPE scaling, quantization_config,
// vision_config and the special token ids.
#include "model/config_families.hpp"

#include <fmt/format.h>

namespace llmctl::detail {

namespace {

// A reader over a nested object, with messages naming "parent.child".
ConfigReader nested(const ConfigReader& parent, const Json& object, std::string_view key) {
  return ConfigReader(object, nullptr, parent.source(), parent.field_name(key) + ".");
}

std::vector<double> number_list(const ConfigReader& reader, std::string_view key) {
  std::vector<double> out;
  const Json* v = reader.find(key);
  if (!v) return out;
  if (!v->is_array()) throw reader.field_error(key, fmt::format("must be an array, got {}", describe_json(*v)));
  for (std::size_t i = 0; i < v->size(); ++i)
    out.push_back(json_to_number((*v)[i], reader, fmt::format("{}[{}]", reader.field_name(key), i)));
  return out;
}

std::vector<std::string> string_list(const ConfigReader& reader, std::string_view key) {
  std::vector<std::string> out;
  const Json* v = reader.find(key);
  if (!v) return out;
  if (!v->is_array()) throw reader.field_error(key, fmt::format("must be an array, got {}", describe_json(*v)));
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string())
      throw reader.error(fmt::format("field '{}[{}]' must be a string, got {}", reader.field_name(key), i,
                                     describe_json((*v)[i])));
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

// One rope_scaling object; nullopt for plain RoPE ("default" or no type).
std::optional<RopeScaling> parse_rope_scaling(const ConfigReader& r, ModelFamily family) {
  RopeScaling s;
  s.type = r.string("rope_type").value_or(r.string("type").value_or(""));
  if (s.type.empty() || s.type == "default") return std::nullopt;
  // Phi-3 configs from before transformers 4.42 call longrope "su" (or "yarn").
  if (family == ModelFamily::phi3 && (s.type == "su" || s.type == "yarn")) s.type = "longrope";

  const bool needs_factor = s.type == "linear" || s.type == "dynamic" || s.type == "yarn" || s.type == "llama3";
  if (auto f = r.number("factor")) s.factor = *f;
  else if (needs_factor) throw r.field_error("factor", fmt::format("is required for rope_type '{}'", s.type));
  if (s.factor <= 0) throw r.field_error("factor", fmt::format("must be positive, got {}", s.factor));

  s.original_max_position_embeddings = r.uint("original_max_position_embeddings");
  s.low_freq_factor = r.number("low_freq_factor");
  s.high_freq_factor = r.number("high_freq_factor");
  if (s.type == "llama3") {
    // transformers' _validate_llama3_parameters requires all three.
    if (!s.low_freq_factor) throw r.field_error("low_freq_factor", "is required for rope_type 'llama3'");
    if (!s.high_freq_factor) throw r.field_error("high_freq_factor", "is required for rope_type 'llama3'");
    if (!s.original_max_position_embeddings)
      throw r.field_error("original_max_position_embeddings", "is required for rope_type 'llama3'");
    if (*s.high_freq_factor <= *s.low_freq_factor)
      throw r.field_error("high_freq_factor", fmt::format("({}) must be greater than low_freq_factor ({})",
                                                          *s.high_freq_factor, *s.low_freq_factor));
  }
  s.beta_fast = r.number("beta_fast");
  s.beta_slow = r.number("beta_slow");
  s.mscale = r.number("mscale");
  s.mscale_all_dim = r.number("mscale_all_dim");
  s.attention_factor = r.number("attention_factor");
  s.short_factor = number_list(r, "short_factor");
  s.long_factor = number_list(r, "long_factor");
  return s;
}

}  // namespace

void parse_rope(const ConfigReader& reader, const FamilyDefaults& defaults, ModelConfig& config) {
  // transformers v5 writes `rope_parameters` (rope_theta inside; Gemma 3 keyed by layer type).
  const Json* params = reader.find("rope_scaling") ? nullptr : reader.object("rope_parameters");
  const Json* global = params;
  const Json* local = nullptr;
  std::string params_key = "rope_parameters";
  if (params && params->contains("full_attention")) {
    global = &params->at("full_attention");
    local = params->contains("sliding_attention") ? &params->at("sliding_attention") : nullptr;
  }

  std::optional<double> theta = reader.number("rope_theta");
  if (!theta && global && global->is_object())
    theta = nested(reader, *global, params_key).number("rope_theta");
  config.rope_theta = theta.value_or(defaults.rope_theta);
  if (config.rope_theta <= 0) throw reader.field_error("rope_theta", "must be positive");

  if (const Json* scaling = reader.object("rope_scaling"))
    config.rope_scaling = parse_rope_scaling(nested(reader, *scaling, "rope_scaling"), config.family);
  else if (global && global->is_object())
    config.rope_scaling = parse_rope_scaling(nested(reader, *global, params_key), config.family);

  // GptOssConfig: YaRN x32 over a 4096-token original context unless told otherwise.
  if (config.family == ModelFamily::gpt_oss && !config.rope_scaling && !params) {
    RopeScaling yarn;
    yarn.type = "yarn";
    yarn.factor = 32.0;
    yarn.beta_fast = 32.0;
    yarn.beta_slow = 1.0;
    yarn.original_max_position_embeddings = 4096;
    config.rope_scaling = yarn;
  }
  // Phi-3 keeps original_max_position_embeddings at the top level.
  if (config.rope_scaling && !config.rope_scaling->original_max_position_embeddings)
    config.rope_scaling->original_max_position_embeddings = reader.uint("original_max_position_embeddings");

  config.partial_rotary_factor = reader.number("partial_rotary_factor").value_or(1.0);
  if (config.partial_rotary_factor <= 0 || config.partial_rotary_factor > 1)
    throw reader.field_error("partial_rotary_factor",
                             fmt::format("must be in (0, 1], got {}", config.partial_rotary_factor));

  if (config.family == ModelFamily::gemma3) {
    std::optional<double> local_theta = reader.number("rope_local_base_freq");
    if (!local_theta && local && local->is_object())
      local_theta = nested(reader, *local, params_key).number("rope_theta");
    config.rope_local_base_freq = local_theta.value_or(10000.0);
  }
}

void parse_quantization(const ConfigReader& reader, ModelConfig& config) {
  const Json* object = reader.object("quantization_config");
  if (!object) return;
  const ConfigReader q = nested(reader, *object, "quantization_config");
  QuantizationConfig out;
  out.quant_method = q.string("quant_method").value_or("");
  if (out.quant_method.empty())
    throw q.field_error("quant_method", "is missing: llmctl cannot tell how the checkpoint is quantized");

  for (const char* key : {"bits", "w_bit", "weight_bits", "num_bits"})
    if (!out.bits) out.bits = q.uint(key);
  // gptq writes group_size -1 for per-channel scales (no groups).
  for (const char* key : {"group_size", "q_group_size"}) {
    if (out.group_size || !q.find(key)) continue;
    if (auto g = q.int64(key); g && *g > 0) out.group_size = static_cast<std::uint64_t>(*g);
  }
  // compressed-tensors: the first config group's weight scheme.
  if (const Json* groups = q.object("config_groups"); groups && !groups->empty()) {
    const auto first = groups->begin();
    const std::string name = first.key();
    const Json& group = first.value();
    if (group.is_object() && group.contains("weights") && group["weights"].is_object()) {
      const ConfigReader w(group["weights"], nullptr, q.source(),
                           fmt::format("{}config_groups.{}.weights.", q.field_name(""), name));
      if (!out.bits) out.bits = w.uint("num_bits");
      if (!out.group_size) out.group_size = w.uint("group_size");
    }
  }
  if (!out.bits) {
    const std::string& m = out.quant_method;
    if (m == "fp8" || m == "fbgemm_fp8") out.bits = 8;
    else if (m == "mxfp4") out.bits = 4;
    else if (m == "bitsandbytes") {
      if (q.boolean("load_in_4bit").value_or(false)) out.bits = 4;
      else if (q.boolean("load_in_8bit").value_or(false)) out.bits = 8;
    }
  }
  if (out.bits && *out.bits == 0) throw q.field_error("bits", "must be positive, got 0");
  out.fmt = q.string("fmt").value_or("");
  out.activation_scheme = q.string("activation_scheme").value_or("");
  if (const Json* block = q.find("weight_block_size")) {
    if (!block->is_array())
      throw q.field_error("weight_block_size", fmt::format("must be an array, got {}", describe_json(*block)));
    for (std::size_t i = 0; i < block->size(); ++i) {
      const auto v = json_to_uint((*block)[i], q, fmt::format("{}[{}]", q.field_name("weight_block_size"), i));
      if (v == 0) throw q.field_error("weight_block_size", "entries must be positive");
      out.weight_block_size.push_back(v);
    }
  }
  for (const char* key : {"modules_to_not_convert", "ignore", "ignored_layers"})
    if (out.modules_to_not_convert.empty()) out.modules_to_not_convert = string_list(q, key);
  config.quantization = std::move(out);
}

void parse_vision(const Json& root, const ConfigReader& reader, ModelConfig& config) {
  const ConfigReader top(root, nullptr, reader.source(), "");
  const Json* vision = top.object("vision_config");
  // Gemma3Config builds a default SiglipVisionConfig when vision_config is absent.
  const bool gemma3_multimodal =
      config.family == ModelFamily::gemma3 && top.string("model_type").value_or("") == "gemma3";
  if (!vision && !gemma3_multimodal) return;

  const Json empty = Json::object();
  const ConfigReader v(vision ? *vision : empty, nullptr, reader.source(), "vision_config.");
  VisionConfig out;
  out.model_type = v.string("model_type").value_or(gemma3_multimodal ? "siglip_vision_model" : "");
  const bool siglip = out.model_type == "siglip_vision_model";
  // SiglipVisionConfig defaults.
  out.hidden_size = v.uint("hidden_size").value_or(siglip ? 768 : 0);
  out.intermediate_size = v.uint("intermediate_size").value_or(siglip ? 3072 : 0);
  out.num_hidden_layers = v.uint("num_hidden_layers").value_or(siglip ? 12 : 0);
  out.num_attention_heads = v.uint("num_attention_heads").value_or(siglip ? 12 : 0);
  out.num_channels = v.uint("num_channels").value_or(3);
  out.image_size = v.uint("image_size").value_or(siglip ? 224 : 0);
  out.patch_size = v.uint("patch_size").value_or(siglip ? 16 : 0);
  // SiglipVisionTransformer: use_head = vision_use_head if the config has it, else True.
  out.use_head = v.boolean("vision_use_head").value_or(siglip);
  out.mm_tokens_per_image = top.uint("mm_tokens_per_image").value_or(gemma3_multimodal ? 256 : 0);
  out.counted = gemma3_multimodal && siglip;

  if (out.counted) {
    for (auto [key, value] : {std::pair{"hidden_size", out.hidden_size}, {"intermediate_size", out.intermediate_size},
                              {"num_hidden_layers", out.num_hidden_layers}, {"patch_size", out.patch_size},
                              {"image_size", out.image_size}})
      if (value == 0) throw v.field_error(key, "must be positive, got 0");
    if (out.patch_size > out.image_size)
      throw v.field_error("patch_size", fmt::format("({}) is larger than image_size ({})", out.patch_size, out.image_size));
  } else {
    config.notes.push_back(fmt::format("the vision tower ({}) is not included in the parameter counts",
                                       out.model_type.empty() ? "unknown type" : out.model_type));
  }
  config.vision = out;
}

namespace {

// Special-token defaults of the transformers config classes (used when the key
// is absent; an explicit null means "none").
struct TokenDefaults {
  std::optional<std::int64_t> bos, eos, pad;
};

TokenDefaults token_defaults(ModelFamily family) {
  switch (family) {
    case ModelFamily::llama:
    case ModelFamily::mistral:
    case ModelFamily::mixtral: return {1, 2, std::nullopt};
    case ModelFamily::deepseek_v3: return {0, 1, std::nullopt};
    case ModelFamily::gemma2:
    case ModelFamily::gemma3: return {2, 1, 0};
    case ModelFamily::phi3: return {1, 32000, 32000};
    default: return {};  // Qwen, gpt-oss, generic: None
  }
}

}  // namespace

void parse_token_ids(const ConfigReader& reader, ModelConfig& config) {
  const TokenDefaults d = token_defaults(config.family);
  config.bos_token_id = reader.present("bos_token_id") ? reader.int64("bos_token_id") : d.bos;
  config.pad_token_id = reader.present("pad_token_id") ? reader.int64("pad_token_id") : d.pad;
  const Json* eos = reader.find("eos_token_id");
  if (!eos) {
    if (!reader.present("eos_token_id") && d.eos) config.eos_token_ids.push_back(*d.eos);
    return;
  }
  if (eos->is_array()) {
    for (std::size_t i = 0; i < eos->size(); ++i) {
      const Json& id = (*eos)[i];
      if (!id.is_number_integer())
        throw reader.error(fmt::format("field '{}[{}]' must be an integer token id, got {}",
                                       reader.field_name("eos_token_id"), i, describe_json(id)));
      config.eos_token_ids.push_back(id.get<std::int64_t>());
    }
  } else {
    config.eos_token_ids.push_back(*reader.int64("eos_token_id"));
  }
}

}  // namespace llmctl::detail
