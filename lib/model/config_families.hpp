// Per-family knowledge used by parse_model_config (internal to lib/model):
// which family a config belongs to, transformers' defaults for each family's
// config class, and the family-specific sections (MoE, MLA, layer pattern).
#pragma once

#include "model/config.hpp"
#include "model/config_reader.hpp"

#include <optional>
#include <string>

namespace llmctl::detail {

// Defaults of a transformers config class (values used when a field is absent).
// Sources: src/transformers/models/<family>/configuration_<family>.py.
struct FamilyDefaults {
  std::uint64_t vocab_size = 0;
  std::uint64_t hidden_size = 0;
  std::uint64_t intermediate_size = 0;
  std::uint64_t num_hidden_layers = 0;
  std::uint64_t num_attention_heads = 0;
  std::optional<std::uint64_t> num_key_value_heads;  // nullopt: = num_attention_heads
  std::optional<std::uint64_t> head_dim;             // nullopt: hidden_size / heads
  std::uint64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  bool tie_word_embeddings = false;
  const char* hidden_act = "silu";
  bool attention_bias = false;
  std::optional<std::uint64_t> sliding_window;  // default window when the field is absent
  bool has_defaults = true;                     // false for generic: required fields must be present
};

// The family of a config from its model_type (text_config's first) or, failing
// that, from architectures[0].
ModelFamily detect_family(const std::string& model_type, const std::string& architecture);

// transformers' defaults for the family's config class.
FamilyDefaults family_defaults(ModelFamily family);

// Fills the per-layer attention kinds and sliding_window from `layer_types`
// or the family's rule (Gemma 2 alternation, Gemma 3 pattern, Qwen
// max_window_layers, Mistral all-sliding).
void parse_layer_attention(const ConfigReader& reader, const FamilyDefaults& defaults, ModelConfig& config);

// Fills config.moe for MoE families (and generic configs with expert fields).
void parse_moe(const ConfigReader& reader, ModelConfig& config);

// Fills config.mla (DeepSeek-V3) and the derived head_dim.
void parse_mla(const ConfigReader& reader, ModelConfig& config);

// Family flags: biases, q/k norm, Gemma scalars and norms, gpt-oss sinks.
void parse_family_flags(const ConfigReader& reader, const FamilyDefaults& defaults, ModelConfig& config);

// rope_theta, rope_scaling (or transformers v5 `rope_parameters`),
// partial_rotary_factor and Gemma 3's local RoPE base.
void parse_rope(const ConfigReader& reader, const FamilyDefaults& defaults, ModelConfig& config);

// quantization_config, if any.
void parse_quantization(const ConfigReader& reader, ModelConfig& config);

// vision_config of multimodal checkpoints (root object).
void parse_vision(const Json& root, const ConfigReader& reader, ModelConfig& config);

// bos/eos/pad token ids.
void parse_token_ids(const ConfigReader& reader, ModelConfig& config);

}  // namespace llmctl::detail
