// A Hugging Face config.json parsed into the typed facts that sizing needs:
// exact parameter counts (lib/sizing/parameters.hpp) and KV cache bytes per
// token (per-layer attention kind, KV heads, head_dim, MLA latent size).
//
// Known families get transformers' per-class defaults for missing fields (the
// same values `AutoConfig.from_pretrained` would fill in); unknown decoder
// architectures are read in a generic Llama-like mode when the standard fields
// are present. Malformed input throws llmctl::Error naming the file and field.
#pragma once

#include "util/output.hpp"  // llmctl::Json

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace llmctl {

// The architecture families llmctl models exactly; everything else is `generic`.
enum class ModelFamily {
  qwen2,        // Qwen2 / Qwen2.5 (q/k/v biases)
  qwen3,        // Qwen3 dense (q/k RMSNorm)
  qwen3_moe,    // Qwen3 MoE (routed experts, no shared expert)
  llama,        // Llama 2/3/3.1/3.2
  mistral,      // Mistral 7B / Nemo (dense)
  mixtral,      // Mixtral 8x7B / 8x22B (MoE)
  deepseek_v3,  // DeepSeek-V3 / R1 (MLA + MoE with shared expert)
  gemma2,       // Gemma 2 (alternating sliding/global, soft-capping)
  gemma3,       // Gemma 3 (5:1 sliding/global, q/k norm, SigLIP vision tower)
  gpt_oss,      // gpt-oss (MoE with biases, attention sinks)
  phi3,         // Phi-3 / Phi-4 (fused qkv / gate_up projections)
  generic,      // unknown architecture read as a Llama-style decoder
};

// "qwen3", "deepseek_v3", ... (the snake_case names used in JSON output).
std::string family_name(ModelFamily family);

// Whether a layer attends to the whole context or to a sliding window.
enum class AttentionKind { full, sliding };

// One decoder layer's attention span: what its KV cache must hold.
struct LayerAttention {
  AttentionKind kind = AttentionKind::full;
  std::uint64_t window = 0;  // tokens kept by a sliding layer; 0 for full attention
};

// RoPE scaling as written in config.json `rope_scaling` (or `rope_parameters`).
// Absent (std::nullopt in ModelConfig) means plain RoPE.
struct RopeScaling {
  std::string type;  // linear, dynamic, yarn, llama3, longrope, ... (`rope_type` or legacy `type`)
  double factor = 1.0;
  std::optional<std::uint64_t> original_max_position_embeddings;
  std::optional<double> low_freq_factor;   // llama3
  std::optional<double> high_freq_factor;  // llama3
  std::optional<double> beta_fast;         // yarn
  std::optional<double> beta_slow;         // yarn
  std::optional<double> mscale;            // yarn (DeepSeek)
  std::optional<double> mscale_all_dim;    // yarn (DeepSeek)
  std::optional<double> attention_factor;  // yarn / longrope
  std::vector<double> short_factor;        // longrope
  std::vector<double> long_factor;         // longrope
};

// Mixture-of-experts layout. Each routed expert is a gated MLP
// (gate/up: hidden x expert_intermediate_size, down: expert_intermediate_size x hidden).
struct MoeConfig {
  std::uint64_t num_experts = 0;               // routed experts per MoE layer
  std::uint64_t experts_per_token = 0;         // top-k routed experts per token
  std::uint64_t expert_intermediate_size = 0;  // per routed expert
  std::uint64_t num_shared_experts = 0;        // always-active experts (DeepSeek)
  std::uint64_t shared_intermediate_size = 0;  // per shared expert
  std::vector<bool> layers;                    // layers[i]: layer i is MoE (else a dense MLP)
  std::uint64_t first_k_dense_replace = 0;     // DeepSeek: the first k layers stay dense
  std::uint64_t layer_freq = 1;                // DeepSeek moe_layer_freq / Qwen decoder_sparse_step
  bool router_bias = false;                    // gpt-oss: the router Linear has a bias
  bool expert_bias = false;                    // gpt-oss: experts' projections have biases
  bool score_correction_bias = false;          // DeepSeek-V3 noaux_tc: e_score_correction_bias
  bool norm_topk_prob = false;                 // renormalise the top-k routing weights
  std::string scoring_func;                    // softmax / sigmoid
  std::uint64_t n_group = 0;                   // DeepSeek group-limited routing
  std::uint64_t topk_group = 0;
  double routed_scaling_factor = 1.0;
};

// DeepSeek multi-head latent attention: K and V are rebuilt from a shared
// compressed latent, so the KV cache holds kv_lora_rank + qk_rope_head_dim
// values per token and layer (not 2 x heads x head_dim).
struct MlaConfig {
  std::optional<std::uint64_t> q_lora_rank;  // absent: q_proj is a plain hidden x heads*qk_head_dim
  std::uint64_t kv_lora_rank = 0;
  std::uint64_t qk_nope_head_dim = 0;
  std::uint64_t qk_rope_head_dim = 0;
  std::uint64_t v_head_dim = 0;
};

// `quantization_config` of a pre-quantized checkpoint.
struct QuantizationConfig {
  std::string quant_method;                        // fp8, mxfp4, gptq, awq, bitsandbytes, ...
  std::optional<std::uint64_t> bits;               // weight bits (given, or implied by the method)
  std::optional<std::uint64_t> group_size;         // gptq/awq group size
  std::string fmt;                                 // fp8 format, e.g. e4m3
  std::string activation_scheme;                   // fp8: dynamic / static
  std::vector<std::uint64_t> weight_block_size;    // fp8 block scaling, e.g. [128, 128]
  std::vector<std::string> modules_to_not_convert; // modules kept in the original dtype
};

// The vision tower of a multimodal checkpoint (only SigLIP, as used by
// Gemma 3, is counted exactly; others are noted and left out of the totals).
struct VisionConfig {
  std::string model_type;  // e.g. siglip_vision_model
  std::uint64_t hidden_size = 0;
  std::uint64_t intermediate_size = 0;
  std::uint64_t num_hidden_layers = 0;
  std::uint64_t num_attention_heads = 0;
  std::uint64_t num_channels = 3;
  std::uint64_t image_size = 0;
  std::uint64_t patch_size = 0;
  bool use_head = false;           // SigLIP attention-pooling head (Gemma 3 turns it off)
  std::uint64_t mm_tokens_per_image = 0;
  bool counted = false;            // true when count_parameters() includes it
};

// Everything llmctl knows about a model's architecture. Sizes are the text
// decoder's (a multimodal config's `text_config`).
struct ModelConfig {
  std::string architecture;  // architectures[0], e.g. Qwen3ForCausalLM
  std::string model_type;    // top-level model_type, e.g. qwen3
  ModelFamily family = ModelFamily::generic;
  bool multimodal = false;   // decoder fields were read from `text_config`

  std::uint64_t hidden_size = 0;
  std::uint64_t num_hidden_layers = 0;
  std::uint64_t num_attention_heads = 0;
  std::uint64_t num_key_value_heads = 0;
  // Per-head q/k/v size: config `head_dim` when given, else hidden_size / heads
  // (vLLM's rule). For MLA this is qk_nope_head_dim + qk_rope_head_dim.
  std::uint64_t head_dim = 0;
  std::uint64_t intermediate_size = 0;  // dense MLP (Mixtral/gpt-oss: per expert)
  std::uint64_t vocab_size = 0;
  std::uint64_t max_position_embeddings = 0;  // 0 only in generic mode when absent

  double rope_theta = 10000.0;
  std::optional<RopeScaling> rope_scaling;
  double partial_rotary_factor = 1.0;         // Phi-3: fraction of head_dim rotated
  std::optional<double> rope_local_base_freq; // Gemma 3: RoPE base of sliding layers
  double rms_norm_eps = 1e-6;
  bool tie_word_embeddings = false;
  std::string torch_dtype;  // torch_dtype (or newer `dtype`); empty when the config omits it
  std::string hidden_act;

  bool attention_bias = false;         // q/k/v projections carry biases (Qwen2: always)
  bool attention_output_bias = false;  // o_proj carries a bias
  bool qk_norm = false;                // per-head RMSNorm on q and k (Qwen3, Gemma 3)
  bool mlp_bias = false;               // dense MLP projections carry biases (Llama mlp_bias)

  // The sliding window when any layer uses one; layers[i] gives each layer's kind.
  std::optional<std::uint64_t> sliding_window;
  std::vector<LayerAttention> layers;  // size num_hidden_layers

  std::optional<MoeConfig> moe;
  std::optional<MlaConfig> mla;
  std::optional<QuantizationConfig> quantization;

  // Gemma 2/3.
  std::optional<double> query_pre_attn_scalar;   // attention scale is its -1/2 power
  std::optional<double> attn_logit_softcapping;  // tanh soft-cap of attention scores
  std::optional<double> final_logit_softcapping; // tanh soft-cap of output logits
  bool pre_post_feedforward_norms = false;       // extra norms around the MLP (4 per layer)

  // gpt-oss.
  bool attention_sinks = false;         // one learned sink logit per attention head
  std::optional<double> swiglu_limit;   // clamp of the experts' SwiGLU

  // DeepSeek-V3 multi-token-prediction modules stored after the last layer.
  std::uint64_t mtp_layers = 0;

  std::optional<VisionConfig> vision;

  std::optional<std::int64_t> bos_token_id;
  std::vector<std::int64_t> eos_token_ids;  // config eos_token_id: an int or a list
  std::optional<std::int64_t> pad_token_id;

  // Caveats for the user (generic-mode assumptions, towers not counted, ...).
  std::vector<std::string> notes;

  // Layers using sliding-window attention.
  std::uint64_t sliding_layer_count() const;
  // True when layer i has a MoE block rather than a dense MLP.
  bool is_moe_layer(std::uint64_t layer) const;
};

// Parses an already-loaded config.json. `source_name` (a path, or
// "built-in catalog: ...") prefixes every error message.
ModelConfig parse_model_config(const Json& config_json, const std::string& source_name);

// Reads and parses a config.json file; errors name the file, and for invalid
// JSON the line and column.
ModelConfig load_model_config(const std::filesystem::path& config_json_path);

// The parsed config with stable snake_case field names, for `-o json|yaml`.
// Optional sections are always present (null when absent).
Json model_config_to_json(const ModelConfig& config);

// Parses JSON text; on a syntax error throws a runtime Error
// "<source_name>: invalid JSON at line L, column C: ...".
Json parse_json_text(std::string_view text, const std::string& source_name);

}  // namespace llmctl
