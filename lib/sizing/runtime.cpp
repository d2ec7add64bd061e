#include "sizing/runtime.hpp"

#include "sizing/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace llmctl {

namespace {

using u64 = std::uint64_t;
constexpr u64 kMiB = 1024ull * 1024;

u64 ceil_div(u64 a, u64 b) { return (a + b - 1) / b; }

struct Parts {
  u64 attention = 0;
  u64 feed_forward = 0;
};

Parts parts(const ModelConfig& c, u64 tp) {
  Parts p;
  const u64 heads = ceil_div(c.num_attention_heads, tp);
  if (c.mla) {
    const MlaConfig& m = *c.mla;
    p.attention = heads * (m.qk_nope_head_dim + m.qk_rope_head_dim) + (m.kv_lora_rank + m.qk_rope_head_dim) +
                  heads * (m.qk_nope_head_dim + m.v_head_dim);
  } else {
    p.attention = heads * c.head_dim + 2 * kv_heads_per_rank(c, tp) * c.head_dim;
  }
  u64 ffn = 0;
  bool any_dense = false, any_moe = false;
  for (u64 i = 0; i < c.num_hidden_layers; ++i) (c.is_moe_layer(i) ? any_moe : any_dense) = true;
  if (any_dense) ffn = std::max(ffn, 3 * ceil_div(c.intermediate_size, tp));
  if (any_moe) {
    const MoeConfig& m = *c.moe;
    ffn = std::max(ffn, m.experts_per_token * (3 * ceil_div(m.expert_intermediate_size, tp) + c.hidden_size));
    if (m.num_shared_experts)
      ffn = std::max(ffn, 3 * ceil_div(m.num_shared_experts * m.shared_intermediate_size, tp));
  }
  p.feed_forward = ffn;
  return p;
}

// PyTorch aten/src/ATen/cuda/CublasHandlePool.cpp getChosenWorkspaceSize():
// CUBLAS_WORKSPACE_CONFIG defaults to ":4096:8" on Hopper and newer (8 x 4 MiB)
// and ":4096:2:16:8" before (2 x 4 MiB + 8 x 16 KiB).
const RuntimeConstant kCublasHopper{"cublas_workspace", 32 * kMiB,
                                    "PyTorch CublasHandlePool.cpp: CUBLAS_WORKSPACE_CONFIG ':4096:8' (sm90+)"};
const RuntimeConstant kCublasOlder{"cublas_workspace", 8 * kMiB + 128 * 1024,
                                   "PyTorch CublasHandlePool.cpp: CUBLAS_WORKSPACE_CONFIG ':4096:2:16:8' (< sm90)"};
// The CUDA context with PyTorch's kernels loaded lazily: vLLM 0.6.4 counted it
// in non_torch_memory (0.35 GiB on RTX 3090, vllm#10517) and 0.7, measuring
// from a snapshot taken after it, reports 0.05 GiB: 0.30 GiB of context.
const RuntimeConstant kCudaContext{"cuda_context", 307 * kMiB,
                                   "vLLM 0.6.4 vs 0.7 non-torch figures (0.35 - 0.05 GiB), RTX 3090 / A10"};

}  // namespace

u64 activation_bytes_per_token(const ModelConfig& c, unsigned act_bytes, u64 tp) {
  const Parts p = parts(c, tp);
  return act_bytes * (3 * c.hidden_size + std::max(p.attention, p.feed_forward));
}

std::string activation_formula(const ModelConfig& c, unsigned act_bytes, u64 tp) {
  const Parts p = parts(c, tp);
  const bool ffn = p.feed_forward >= p.attention;
  return fmt::format("{} B x (3 x {} hidden + max({} attention q/k/v, {} feed-forward{})) = {} B", act_bytes,
                     c.hidden_size, p.attention, p.feed_forward,
                     c.moe ? " incl. top-k expert caches" : " gate/up/act", activation_bytes_per_token(c, act_bytes, tp)) +
         (ffn ? "" : " (attention dominates)");
}

const RuntimeConstant& cuda_context_constant() { return kCudaContext; }
const RuntimeConstant& cublas_workspace_constant(bool hopper) { return hopper ? kCublasHopper : kCublasOlder; }

RuntimeOverheads runtime_overheads(const std::string& cc, u64 non_torch, u64 cuda_graphs) {
  RuntimeOverheads r;
  r.cuda_context = kCudaContext.bytes;
  // "9.0", "10.0": Hopper and newer; "gfx942"/"neuron" and unknown: the larger one.
  bool hopper = true;
  if (!cc.empty() && std::isdigit(static_cast<unsigned char>(cc[0]))) hopper = std::stod(cc) >= 9.0;
  r.cublas_workspace = cublas_workspace_constant(hopper).bytes;
  r.non_torch = non_torch;
  r.cuda_graphs = cuda_graphs;
  return r;
}

}  // namespace llmctl
