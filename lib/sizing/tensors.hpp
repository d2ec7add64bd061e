// The weight tensors of a model, as groups of identical shapes with the role
// each plays. Built from a ModelConfig (the shapes transformers creates) or
// from safetensors headers (the shapes actually stored). Roles decide three
// things downstream: which precision a tensor gets (embeddings, norms and
// routers stay unquantized), how tensor parallelism splits it, and which
// pipeline stage holds it.
#pragma once

#include "model/config.hpp"
#include "model/safetensors.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl {

enum class TensorRole {
  embedding,     // token embedding [V, H]
  lm_head,       // output projection [V, H] (absent when tied)
  attn_q,        // q_proj [n_q*d, H]
  attn_k,        // k_proj [n_kv*d, H]
  attn_v,        // v_proj [n_kv*d, H]
  attn_qkv,      // fused qkv_proj (Phi-3) as stored in a checkpoint
  attn_o,        // o_proj [H, n_q*d]
  mla_q_a,       // DeepSeek q_a_proj [r_q, H] (replicated across TP)
  mla_q_b,       // q_b_proj [n_q*qk, r_q]
  mla_kv_a,      // kv_a_proj_with_mqa [r_kv + rope, H] (replicated)
  mla_kv_b,      // kv_b_proj [n_q*(nope + v), r_kv]
  mlp_gate,      // dense gate_proj [I, H] (or fused gate_up in a checkpoint)
  mlp_up,        // dense up_proj [I, H]
  mlp_down,      // dense down_proj [H, I]
  expert_gate,   // routed experts, E copies
  expert_up,
  expert_down,
  shared_gate,   // shared experts (DeepSeek), one MLP of S*I_s
  shared_up,
  shared_down,
  router,        // MoE router [E, H] (+ biases)
  norm,          // RMSNorm / LayerNorm weights, q/k norms
  bias,          // linear biases
  sink,          // gpt-oss attention sinks [n_q]
  vision,        // vision tower + projector, counted as one lump
  quant_aux,     // scales, zero points, g_idx of a quantized checkpoint (bytes, no parameters)
  other,         // anything a checkpoint holds that no rule above names
};

// "embedding", "attn_q", ... (stable names for JSON).
std::string tensor_role_name(TensorRole role);

// How tensor parallelism shards a tensor across `tp` ranks (vLLM's layers).
enum class TpSplit {
  replicated,  // every rank holds all of it (norms, routers, MLA down-projections)
  column,      // output rows split: ColumnParallelLinear, experts' gate/up
  row,         // input columns split: RowParallelLinear, experts' down
  vocab,       // VocabParallelEmbedding / ParallelLMHead: vocab rows split (padded to 64)
  kv_heads,    // k/v: max(1, n_kv / tp) heads per rank (replicated when tp > n_kv)
};

struct TensorGroup {
  std::string name;       // e.g. "model.layers.*.self_attn.q_proj.weight"
  TensorRole role = TensorRole::other;
  TpSplit split = TpSplit::replicated;
  std::int64_t layer = -1;  // decoder layer; -1 for tensors outside the layers
  std::uint64_t rows = 1;   // output dim (1 for a vector)
  std::uint64_t cols = 0;   // input dim (the contiguous one)
  std::uint64_t count = 1;  // identical copies (routed experts)
  bool matrix = false;      // a 2-D weight a quantization method may pack
  // Set when the tensor comes from a checkpoint: its exact stored bytes,
  // dtype and parameter count (a packed int4 qweight holds 8 per int32).
  std::uint64_t stored_bytes = 0;
  std::uint64_t stored_params = 0;
  std::string stored_dtype;

  std::uint64_t params() const { return stored_dtype.empty() ? rows * cols * count : stored_params; }
};

// Every weight of the model `config` describes, per layer, as the checkpoint
// stores them (q/k/v separate, gate/up separate). The parameter total equals
// count_parameters(config).total; the vision tower is one `vision` lump.
std::vector<TensorGroup> tensor_inventory(const ModelConfig& config);

// The checkpoint's tensors classified by name (Hugging Face naming). Tensors
// of layers >= num_hidden_layers (DeepSeek's MTP module) and a stored
// lm_head.weight of a tied model are left out and described in `notes`.
std::vector<TensorGroup> checkpoint_inventory(const ModelConfig& config, const Checkpoint& checkpoint,
                                              std::vector<std::string>& notes);

}  // namespace llmctl
