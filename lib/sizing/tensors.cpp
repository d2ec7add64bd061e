// Tensor inventory. Notation as in parameters.cpp: H = hidden_size,
// V = vocab_size, n_q / n_kv = attention / KV heads, d = head_dim,
// I = intermediate size, E = routed experts. Shapes are [rows = out, cols = in].
#include "sizing/tensors.hpp"

#include "sizing/parameters.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>

namespace llmctl {

namespace {

using u64 = std::uint64_t;

std::string layer_name(std::int64_t layer, const std::string& rest) {
  return fmt::format("model.layers.{}.{}", layer, rest);
}

struct Builder {
  std::vector<TensorGroup> out;

  void matrix(std::string name, TensorRole role, TpSplit split, std::int64_t layer, u64 rows, u64 cols,
              u64 count = 1) {
    TensorGroup t;
    t.name = std::move(name);
    t.role = role;
    t.split = split;
    t.layer = layer;
    t.rows = rows;
    t.cols = cols;
    t.count = count;
    t.matrix = true;
    out.push_back(std::move(t));
  }
  // A 1-D tensor (norm weight, bias, sinks): rows = 1, cols = n.
  void vector(std::string name, TensorRole role, TpSplit split, std::int64_t layer, u64 n, u64 count = 1) {
    TensorGroup t;
    t.name = std::move(name);
    t.role = role;
    t.split = split;
    t.layer = layer;
    t.cols = n;
    t.count = count;
    out.push_back(std::move(t));
  }
};

// GQA attention of one layer: q/k/v/o, optional biases, q/k norms, sinks.
void add_gqa(Builder& b, const ModelConfig& c, std::int64_t i) {
  const u64 h = c.hidden_size, q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim;
  b.matrix(layer_name(i, "self_attn.q_proj.weight"), TensorRole::attn_q, TpSplit::column, i, q, h);
  b.matrix(layer_name(i, "self_attn.k_proj.weight"), TensorRole::attn_k, TpSplit::kv_heads, i, kv, h);
  b.matrix(layer_name(i, "self_attn.v_proj.weight"), TensorRole::attn_v, TpSplit::kv_heads, i, kv, h);
  b.matrix(layer_name(i, "self_attn.o_proj.weight"), TensorRole::attn_o, TpSplit::row, i, h, q);
  if (c.attention_bias) {
    b.vector(layer_name(i, "self_attn.q_proj.bias"), TensorRole::bias, TpSplit::column, i, q);
    b.vector(layer_name(i, "self_attn.k_proj.bias"), TensorRole::bias, TpSplit::kv_heads, i, kv);
    b.vector(layer_name(i, "self_attn.v_proj.bias"), TensorRole::bias, TpSplit::kv_heads, i, kv);
  }
  if (c.attention_output_bias) b.vector(layer_name(i, "self_attn.o_proj.bias"), TensorRole::bias, TpSplit::replicated, i, h);
  if (c.qk_norm) {
    b.vector(layer_name(i, "self_attn.q_norm.weight"), TensorRole::norm, TpSplit::replicated, i, c.head_dim);
    b.vector(layer_name(i, "self_attn.k_norm.weight"), TensorRole::norm, TpSplit::replicated, i, c.head_dim);
  }
  if (c.attention_sinks) b.vector(layer_name(i, "self_attn.sinks"), TensorRole::sink, TpSplit::column, i, c.num_attention_heads);
}

// DeepSeek MLA of one layer (see parameters.cpp for the shapes).
void add_mla(Builder& b, const ModelConfig& c, std::int64_t i) {
  const MlaConfig& m = *c.mla;
  const u64 h = c.hidden_size, heads = c.num_attention_heads, qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
  if (m.q_lora_rank) {
    const u64 r = *m.q_lora_rank;
    b.matrix(layer_name(i, "self_attn.q_a_proj.weight"), TensorRole::mla_q_a, TpSplit::replicated, i, r, h);
    if (c.attention_bias) b.vector(layer_name(i, "self_attn.q_a_proj.bias"), TensorRole::bias, TpSplit::replicated, i, r);
    b.vector(layer_name(i, "self_attn.q_a_layernorm.weight"), TensorRole::norm, TpSplit::replicated, i, r);
    b.matrix(layer_name(i, "self_attn.q_b_proj.weight"), TensorRole::mla_q_b, TpSplit::column, i, heads * qk, r);
  } else {
    b.matrix(layer_name(i, "self_attn.q_proj.weight"), TensorRole::attn_q, TpSplit::column, i, heads * qk, h);
  }
  const u64 kv_a = m.kv_lora_rank + m.qk_rope_head_dim;
  b.matrix(layer_name(i, "self_attn.kv_a_proj_with_mqa.weight"), TensorRole::mla_kv_a, TpSplit::replicated, i, kv_a, h);
  if (c.attention_bias)
    b.vector(layer_name(i, "self_attn.kv_a_proj_with_mqa.bias"), TensorRole::bias, TpSplit::replicated, i, kv_a);
  b.vector(layer_name(i, "self_attn.kv_a_layernorm.weight"), TensorRole::norm, TpSplit::replicated, i, m.kv_lora_rank);
  b.matrix(layer_name(i, "self_attn.kv_b_proj.weight"), TensorRole::mla_kv_b, TpSplit::column, i,
           heads * (m.qk_nope_head_dim + m.v_head_dim), m.kv_lora_rank);
  b.matrix(layer_name(i, "self_attn.o_proj.weight"), TensorRole::attn_o, TpSplit::row, i, h, heads * m.v_head_dim);
  if (c.attention_output_bias) b.vector(layer_name(i, "self_attn.o_proj.bias"), TensorRole::bias, TpSplit::replicated, i, h);
}

// Gated MLP gate/up [inter, H], down [H, inter] under `prefix`, with the given roles.
void add_gated(Builder& b, std::int64_t i, const std::string& prefix, u64 h, u64 inter, u64 count, bool bias,
               TensorRole gate, TensorRole up, TensorRole down) {
  b.matrix(layer_name(i, prefix + "gate_proj.weight"), gate, TpSplit::column, i, inter, h, count);
  b.matrix(layer_name(i, prefix + "up_proj.weight"), up, TpSplit::column, i, inter, h, count);
  b.matrix(layer_name(i, prefix + "down_proj.weight"), down, TpSplit::row, i, h, inter, count);
  if (bias) {
    // gate/up biases split with their columns; the down bias is added once, after the reduce.
    b.vector(layer_name(i, prefix + "gate_up_proj.bias"), TensorRole::bias, TpSplit::column, i, 2 * inter, count);
    b.vector(layer_name(i, prefix + "down_proj.bias"), TensorRole::bias, TpSplit::replicated, i, h, count);
  }
}

void add_feed_forward(Builder& b, const ModelConfig& c, std::int64_t i) {
  const u64 h = c.hidden_size;
  if (!c.is_moe_layer(static_cast<u64>(i))) {
    add_gated(b, i, "mlp.", h, c.intermediate_size, 1, c.mlp_bias, TensorRole::mlp_gate, TensorRole::mlp_up,
              TensorRole::mlp_down);
    return;
  }
  const MoeConfig& m = *c.moe;
  add_gated(b, i, "mlp.experts.*.", h, m.expert_intermediate_size, m.num_experts, m.expert_bias,
            TensorRole::expert_gate, TensorRole::expert_up, TensorRole::expert_down);
  b.matrix(layer_name(i, "mlp.gate.weight"), TensorRole::router, TpSplit::replicated, i, m.num_experts, h);
  if (m.router_bias) b.vector(layer_name(i, "mlp.gate.bias"), TensorRole::router, TpSplit::replicated, i, m.num_experts);
  if (m.score_correction_bias)
    b.vector(layer_name(i, "mlp.gate.e_score_correction_bias"), TensorRole::router, TpSplit::replicated, i, m.num_experts);
  if (m.num_shared_experts)
    add_gated(b, i, "mlp.shared_experts.", h, m.num_shared_experts * m.shared_intermediate_size, 1, false,
              TensorRole::shared_gate, TensorRole::shared_up, TensorRole::shared_down);
}

}  // namespace

std::string tensor_role_name(TensorRole role) {
  switch (role) {
    case TensorRole::embedding: return "embedding";
    case TensorRole::lm_head: return "lm_head";
    case TensorRole::attn_q: return "attn_q";
    case TensorRole::attn_k: return "attn_k";
    case TensorRole::attn_v: return "attn_v";
    case TensorRole::attn_qkv: return "attn_qkv";
    case TensorRole::attn_o: return "attn_o";
    case TensorRole::mla_q_a: return "mla_q_a";
    case TensorRole::mla_q_b: return "mla_q_b";
    case TensorRole::mla_kv_a: return "mla_kv_a";
    case TensorRole::mla_kv_b: return "mla_kv_b";
    case TensorRole::mlp_gate: return "mlp_gate";
    case TensorRole::mlp_up: return "mlp_up";
    case TensorRole::mlp_down: return "mlp_down";
    case TensorRole::expert_gate: return "expert_gate";
    case TensorRole::expert_up: return "expert_up";
    case TensorRole::expert_down: return "expert_down";
    case TensorRole::shared_gate: return "shared_gate";
    case TensorRole::shared_up: return "shared_up";
    case TensorRole::shared_down: return "shared_down";
    case TensorRole::router: return "router";
    case TensorRole::norm: return "norm";
    case TensorRole::bias: return "bias";
    case TensorRole::sink: return "sink";
    case TensorRole::vision: return "vision";
    case TensorRole::quant_aux: return "quant_aux";
    case TensorRole::other: return "other";
  }
  return "other";
}

std::vector<TensorGroup> tensor_inventory(const ModelConfig& c) {
  Builder b;
  const u64 h = c.hidden_size;
  b.matrix("model.embed_tokens.weight", TensorRole::embedding, TpSplit::vocab, -1, c.vocab_size, h);
  for (u64 layer = 0; layer < c.num_hidden_layers; ++layer) {
    const auto i = static_cast<std::int64_t>(layer);
    if (c.mla) add_mla(b, c, i);
    else add_gqa(b, c, i);
    add_feed_forward(b, c, i);
    b.vector(layer_name(i, "input_layernorm.weight"), TensorRole::norm, TpSplit::replicated, i, h);
    b.vector(layer_name(i, "post_attention_layernorm.weight"), TensorRole::norm, TpSplit::replicated, i, h);
    if (c.pre_post_feedforward_norms) {
      b.vector(layer_name(i, "pre_feedforward_layernorm.weight"), TensorRole::norm, TpSplit::replicated, i, h);
      b.vector(layer_name(i, "post_feedforward_layernorm.weight"), TensorRole::norm, TpSplit::replicated, i, h);
    }
  }
  b.vector("model.norm.weight", TensorRole::norm, TpSplit::replicated, -1, h);
  if (!c.tie_word_embeddings) b.matrix("lm_head.weight", TensorRole::lm_head, TpSplit::vocab, -1, c.vocab_size, h);
  // The vision tower (Gemma 3's SigLIP) as one lump at the base precision.
  const ParameterBreakdown params = count_parameters(c);
  if (params.vision) b.vector("vision_tower.*", TensorRole::vision, TpSplit::replicated, -1, params.vision);
  return std::move(b.out);
}

// ---- checkpoints --------------------------------------------------------------

namespace {

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The decoder layer a tensor name belongs to ("...layers.12...."), if any.
std::optional<std::int64_t> layer_of(const std::string& name) {
  static const std::regex re(R"((?:^|\.)layers\.(\d+)\.)");
  std::smatch m;
  if (!std::regex_search(name, m, re)) return std::nullopt;
  return std::stoll(m[1].str());
}

// Role and TP split of a checkpoint tensor, from Hugging Face naming.
std::pair<TensorRole, TpSplit> classify(const std::string& n) {
  using R = TensorRole;
  using S = TpSplit;
  if (contains(n, "vision_tower") || contains(n, "vision_model") || contains(n, "multi_modal_projector") ||
      contains(n, "visual."))
    return {R::vision, S::replicated};
  if (contains(n, "embed_tokens")) return {R::embedding, S::vocab};
  if (n.rfind("lm_head", 0) == 0 || contains(n, ".lm_head.")) return {R::lm_head, S::vocab};
  if (contains(n, "norm") || contains(n, "layernorm")) return {R::norm, S::replicated};
  if (contains(n, "sinks")) return {R::sink, S::column};
  const bool experts = contains(n, ".experts.");
  const bool shared = contains(n, "shared_expert");
  if (experts) {
    if (contains(n, "down_proj") || contains(n, ".w2")) return {R::expert_down, S::row};
    if (contains(n, "up_proj") && !contains(n, "gate_up")) return {R::expert_up, S::column};
    if (contains(n, ".w3")) return {R::expert_up, S::column};
    return {R::expert_gate, S::column};  // gate_proj, w1, fused gate_up_proj
  }
  if (contains(n, "router") || contains(n, "e_score_correction") || ends_with(n, "mlp.gate.weight") ||
      ends_with(n, "mlp.gate.bias") || contains(n, "block_sparse_moe.gate.") || contains(n, "shared_expert_gate"))
    return {R::router, S::replicated};
  if (shared) {
    if (contains(n, "down_proj")) return {R::shared_down, S::row};
    if (contains(n, "up_proj") && !contains(n, "gate_up")) return {R::shared_up, S::column};
    return {R::shared_gate, S::column};
  }
  if (contains(n, "q_a_proj")) return {R::mla_q_a, S::replicated};
  if (contains(n, "q_b_proj")) return {R::mla_q_b, S::column};
  if (contains(n, "kv_a_proj")) return {R::mla_kv_a, S::replicated};
  if (contains(n, "kv_b_proj")) return {R::mla_kv_b, S::column};
  if (contains(n, "qkv_proj")) return {R::attn_qkv, S::column};
  if (contains(n, "q_proj")) return {R::attn_q, S::column};
  if (contains(n, "k_proj")) return {R::attn_k, S::kv_heads};
  if (contains(n, "v_proj")) return {R::attn_v, S::kv_heads};
  if (contains(n, "o_proj") || contains(n, "dense.")) return {R::attn_o, S::row};
  if (contains(n, "down_proj") || contains(n, "w2.")) return {R::mlp_down, S::row};
  if (contains(n, "up_proj") && !contains(n, "gate_up")) return {R::mlp_up, S::column};
  if (contains(n, "gate_proj") || contains(n, "gate_up_proj") || contains(n, "w1.") || contains(n, "w3."))
    return {R::mlp_gate, S::column};
  return {R::other, S::replicated};
}

// Quantization side tensors: scales, zero points, group indices, absmax.
bool is_quant_aux(const std::string& n) {
  for (const char* s : {".qzeros", ".scales", ".g_idx", "weight_scale", "input_scale", "_scales", ".absmax",
                        ".quant_map", ".quant_state", ".nested_absmax", ".nested_quant_map", "k_scale", "v_scale",
                        "weight_zero_point", "weight_global_scale", "input_global_scale"})
    if (contains(n, s)) return true;
  return false;
}

}  // namespace

std::vector<TensorGroup> checkpoint_inventory(const ModelConfig& config, const Checkpoint& checkpoint,
                                              std::vector<std::string>& notes) {
  std::vector<TensorGroup> out;
  std::uint64_t mtp_bytes = 0, mtp_tensors = 0, other_tensors = 0;
  const unsigned bits = config.quantization && config.quantization->bits ? static_cast<unsigned>(*config.quantization->bits) : 4;
  for (const TensorInfo& info : checkpoint.tensors) {
    const auto layer = layer_of(info.name);
    if (layer && *layer >= static_cast<std::int64_t>(config.num_hidden_layers)) {
      mtp_bytes += info.bytes();
      ++mtp_tensors;
      continue;
    }
    if (config.tie_word_embeddings && info.name == "lm_head.weight") {
      notes.push_back(fmt::format(
          "lm_head.weight is stored in the checkpoint of a tied model ({} bytes): counted once, as the embedding",
          info.bytes()));
      continue;
    }
    TensorGroup t;
    t.name = info.name;
    t.layer = layer.value_or(-1);
    t.stored_dtype = info.dtype;
    t.stored_bytes = info.bytes();
    t.rows = info.shape.size() >= 2 ? info.shape[info.shape.size() - 2] : 1;
    t.cols = info.shape.empty() ? 1 : info.shape.back();
    t.matrix = info.shape.size() >= 2;
    auto [role, split] = classify(info.name);
    t.role = role;
    t.split = split;
    // Parameters: elements as stored, except packed formats that hold several
    // weights per stored element.
    std::uint64_t params = info.elements();
    if (is_quant_aux(info.name)) {
      t.role = TensorRole::quant_aux;
      params = 0;
    } else if (ends_with(info.name, ".qweight") && (info.dtype == "I32" || info.dtype == "U32")) {
      params = info.elements() * (32 / bits);  // GPTQ/AWQ: 32/bits weights per int32
    } else if (ends_with(info.name, "_blocks") && info.dtype == "U8") {
      params = info.elements() * 2;  // MXFP4 (gpt-oss): two 4-bit values per byte
    } else if (info.dtype == "U8" && config.quantization && config.quantization->quant_method == "bitsandbytes") {
      params = info.elements() * 2;  // bitsandbytes 4-bit: two per byte
    }
    t.stored_params = params;
    if (t.role == TensorRole::other) ++other_tensors;
    out.push_back(std::move(t));
  }
  if (mtp_tensors)
    notes.push_back(fmt::format("{} tensors ({} bytes) of layers >= {} (multi-token prediction) are not loaded for "
                                "inference and are left out",
                                mtp_tensors, mtp_bytes, config.num_hidden_layers));
  if (other_tensors)
    notes.push_back(fmt::format("{} tensors have names llmctl does not classify; they are counted as replicated "
                                "across tensor-parallel ranks",
                                other_tensors));
  return out;
}

}  // namespace llmctl
