// Memory a serving process needs besides weights and KV cache: the activation
// peak of a prefill of N tokens, the CUDA context, cuBLAS workspaces, CUDA
// graphs and communication buffers.
#pragma once

#include "model/config.hpp"

#include <cstdint>
#include <string>

namespace llmctl {

// Activation bytes one token holds at the peak of a forward pass, on one TP
// rank, with `act_bytes` per element (2 for bf16/fp16):
//   act_bytes x (3 x H + max(attention, feed-forward))
//   attention     = q + k + v outputs: (n_q/tp) x d + 2 x kv_heads_per_rank x d
//                   (MLA: (n_q/tp) x (qk_nope+qk_rope) + (kv_lora+rope) + (n_q/tp) x (qk_nope+v))
//   feed-forward  = gate_up output 2 x I/tp + activation output I/tp = 3 x I/tp
//                   (MoE: top_k x (3 x I_expert/tp + H), vLLM fused_moe's three caches;
//                    shared experts 3 x S x I_shared/tp, whichever is larger)
//   3 x H         = residual, normalized input and the layer output
// Llama-3.1-8B: 2 x (3 x 4096 + 3 x 14336) = 110,592 B, the slope of vLLM's
// measured peak against max_num_batched_tokens (vllm#10517: 2.06 GiB at 20,000 tokens).
std::uint64_t activation_bytes_per_token(const ModelConfig& config, unsigned act_bytes, std::uint64_t tp = 1);
// The formula above with this model's numbers substituted.
std::string activation_formula(const ModelConfig& config, unsigned act_bytes, std::uint64_t tp = 1);

// Fixed costs of a CUDA process, named and sourced in runtime.cpp.
struct RuntimeOverheads {
  std::uint64_t cuda_context = 0;      // driver context + loaded kernel modules
  std::uint64_t cublas_workspace = 0;  // PyTorch's cuBLAS workspace for one stream
  std::uint64_t non_torch = 0;         // vLLM's measured non-torch growth (NCCL buffers when tp > 1)
  std::uint64_t cuda_graphs = 0;       // captured decode graphs (estimate)

  std::uint64_t total() const { return cuda_context + cublas_workspace + non_torch + cuda_graphs; }
};

// `compute_capability` of the GPU ("9.0"), or empty when not known (then the
// larger Hopper workspace is assumed).
RuntimeOverheads runtime_overheads(const std::string& compute_capability, std::uint64_t non_torch,
                                   std::uint64_t cuda_graphs);

// The constants of runtime_overheads(), for --explain and the JSON report.
struct RuntimeConstant {
  const char* name;
  std::uint64_t bytes;
  const char* source;
};
const RuntimeConstant& cuda_context_constant();
const RuntimeConstant& cublas_workspace_constant(bool hopper_or_newer);

}  // namespace llmctl
