// Parameter counting. Notation: H = hidden_size, V = vocab_size, L = layers,
// n_q / n_kv = attention / KV heads, d = head_dim, I = intermediate size.
// Shapes follow the transformers modeling_<family>.py modules; RMSNorm has a
// weight vector and no bias; a gated MLP is gate+up (H x I each) and down (I x H).
#include "sizing/parameters.hpp"

namespace llmctl {

namespace {

using u64 = std::uint64_t;

// Gated MLP (gate_proj, up_proj, down_proj): 3*H*I, plus biases 2*I + H when present.
u64 gated_mlp(u64 hidden, u64 inter, bool bias) { return 3 * hidden * inter + (bias ? 2 * inter + hidden : 0); }

// Standard (GQA) attention of one layer:
//   q: H x n_q*d, k and v: H x n_kv*d, o: n_q*d x H
//   biases: n_q*d + 2*n_kv*d on q/k/v, H on o
//   q/k RMSNorm over head_dim: 2*d;  gpt-oss sinks: n_q.
u64 gqa_attention(const ModelConfig& c) {
  const u64 q = c.num_attention_heads * c.head_dim;
  const u64 kv = c.num_key_value_heads * c.head_dim;
  u64 n = c.hidden_size * (q + 2 * kv) + q * c.hidden_size;
  if (c.attention_bias) n += q + 2 * kv;
  if (c.attention_output_bias) n += c.hidden_size;
  if (c.qk_norm) n += 2 * c.head_dim;
  if (c.attention_sinks) n += c.num_attention_heads;
  return n;
}

// DeepSeek MLA of one layer (DeepseekV3Attention), with r_q = q_lora_rank,
// r_kv = kv_lora_rank, d_qk = qk_nope + qk_rope, d_v = v_head_dim:
//   q_a_proj H x r_q (+bias r_q), q_a_layernorm r_q, q_b_proj r_q x n_q*d_qk
//     (or, without q_lora_rank, q_proj H x n_q*d_qk)
//   kv_a_proj_with_mqa H x (r_kv + qk_rope) (+bias), kv_a_layernorm r_kv,
//   kv_b_proj r_kv x n_q*(qk_nope + d_v), o_proj n_q*d_v x H (+bias H).
u64 mla_attention(const ModelConfig& c) {
  const MlaConfig& m = *c.mla;
  const u64 h = c.hidden_size;
  const u64 heads = c.num_attention_heads;
  const u64 qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
  u64 n = 0;
  if (m.q_lora_rank) {
    const u64 r = *m.q_lora_rank;
    n += h * r + (c.attention_bias ? r : 0) + r + r * heads * qk;
  } else {
    n += h * heads * qk;
  }
  const u64 kv_a = m.kv_lora_rank + m.qk_rope_head_dim;
  n += h * kv_a + (c.attention_bias ? kv_a : 0) + m.kv_lora_rank;
  n += m.kv_lora_rank * heads * (m.qk_nope_head_dim + m.v_head_dim);
  n += heads * m.v_head_dim * h + (c.attention_output_bias ? h : 0);
  return n;
}

// Per-layer norms: input + post-attention, and Gemma's pre/post-feedforward pair.
u64 layer_norms(const ModelConfig& c) { return (c.pre_post_feedforward_norms ? 4 : 2) * c.hidden_size; }

// One routed expert: a gated MLP; gpt-oss adds gate_up bias (2*I) and down bias (H).
u64 expert_params(const ModelConfig& c) {
  const MoeConfig& m = *c.moe;
  return gated_mlp(c.hidden_size, m.expert_intermediate_size, m.expert_bias);
}

// Router: H x E weight, + E bias (gpt-oss), + E e_score_correction_bias (DeepSeek noaux_tc).
u64 router_params(const ModelConfig& c) {
  const MoeConfig& m = *c.moe;
  return c.hidden_size * m.num_experts + (m.router_bias ? m.num_experts : 0) +
         (m.score_correction_bias ? m.num_experts : 0);
}

// DeepSeek's shared experts form one gated MLP of n_shared * moe_intermediate_size.
u64 shared_params(const ModelConfig& c) {
  const MoeConfig& m = *c.moe;
  return gated_mlp(c.hidden_size, m.num_shared_experts * m.shared_intermediate_size, false);
}

// A layer's feed-forward block, split into the breakdown's components.
struct FeedForward {
  u64 mlp = 0, experts = 0, router = 0, shared = 0, inactive = 0;
};

FeedForward feed_forward(const ModelConfig& c, u64 layer) {
  FeedForward f;
  if (c.is_moe_layer(layer)) {
    const MoeConfig& m = *c.moe;
    f.experts = m.num_experts * expert_params(c);
    f.inactive = (m.num_experts - m.experts_per_token) * expert_params(c);
    f.router = router_params(c);
    f.shared = m.num_shared_experts ? shared_params(c) : 0;
  } else {
    f.mlp = gated_mlp(c.hidden_size, c.intermediate_size, c.mlp_bias);
  }
  return f;
}

// SigLIP vision tower (SiglipVisionModel) + Gemma 3 multimodal projector. With
// h = vision hidden, i = vision intermediate, P = patch, C = channels,
// N = (image_size / P)^2 patches:
//   patch conv C*P*P*h + h, position embedding N*h,
//   per layer: 2 LayerNorms (4h), q/k/v/out with bias (4(h*h + h)), fc1 h*i + i, fc2 i*h + h,
//   post_layernorm 2h; attention-pooling head (when used): probe h, in_proj 3h*h + 3h,
//   out_proj h*h + h, LayerNorm 2h, MLP h*i + i + i*h + h;
//   projector: mm_input_projection h x H_text, mm_soft_emb_norm h.
u64 siglip_params(const VisionConfig& v, u64 text_hidden) {
  const u64 h = v.hidden_size, i = v.intermediate_size, p = v.patch_size;
  const u64 side = v.image_size / p;
  u64 n = v.num_channels * p * p * h + h + side * side * h;
  n += v.num_hidden_layers * (4 * h + 4 * (h * h + h) + (h * i + i) + (i * h + h));
  n += 2 * h;
  if (v.use_head) n += h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (h * i + i) + (i * h + h);
  n += h * text_hidden + h;
  return n;
}

}  // namespace

ParameterBreakdown count_parameters(const ModelConfig& c) {
  ParameterBreakdown p;
  const u64 h = c.hidden_size;
  p.embedding = c.vocab_size * h;
  p.lm_head = c.tie_word_embeddings ? 0 : c.vocab_size * h;
  const u64 attention = c.mla ? mla_attention(c) : gqa_attention(c);

  u64 inactive = 0;
  for (u64 layer = 0; layer < c.num_hidden_layers; ++layer) {
    const FeedForward f = feed_forward(c, layer);
    p.attention += attention;
    p.mlp += f.mlp;
    p.moe_experts += f.experts;
    p.moe_router += f.router;
    p.moe_shared += f.shared;
    p.norms += layer_norms(c);
    inactive += f.inactive;
  }
  p.norms += h;  // final norm
  if (c.vision && c.vision->counted) p.vision = siglip_params(*c.vision, h);

  // DeepSeek MTP module k sits at layer index L + k and follows the same
  // dense/MoE rule. Stored per module: enorm and hnorm (H each), eh_proj
  // (2H x H), the decoder layer, shared_head.norm (H) and copies of the
  // embedding and output head (V x H each).
  for (u64 k = 0; k < c.mtp_layers; ++k) {
    const u64 layer = c.num_hidden_layers + k;
    FeedForward f;
    if (c.moe && layer >= c.moe->first_k_dense_replace && layer % c.moe->layer_freq == 0) {
      f.experts = c.moe->num_experts * expert_params(c);
      f.router = router_params(c);
      f.shared = c.moe->num_shared_experts ? shared_params(c) : 0;
    } else {
      f.mlp = gated_mlp(h, c.intermediate_size, c.mlp_bias);
    }
    p.mtp += 3 * h + 2 * h * h + attention + layer_norms(c) + f.mlp + f.experts + f.router + f.shared +
             2 * c.vocab_size * h;
  }

  p.total = p.embedding + p.attention + p.mlp + p.moe_experts + p.moe_router + p.moe_shared + p.norms +
            p.lm_head + p.vision;
  p.non_embedding = p.total - p.embedding - p.lm_head;
  p.active = p.total - inactive;
  return p;
}

Json parameters_to_json(const ParameterBreakdown& p) {
  return Json{{"total", p.total},
              {"active", p.active},
              {"non_embedding", p.non_embedding},
              {"embedding", p.embedding},
              {"attention", p.attention},
              {"mlp", p.mlp},
              {"moe_experts", p.moe_experts},
              {"moe_router", p.moe_router},
              {"moe_shared", p.moe_shared},
              {"norms", p.norms},
              {"lm_head", p.lm_head},
              {"vision", p.vision},
              {"mtp", p.mtp}};
}

}  // namespace llmctl
