// Weight and KV-cache precisions, with the real storage cost of each format:
// packed values plus the scales, zero points and group indices stored beside
// them. Layers a method leaves unquantized (embeddings, lm_head, norms,
// routers, biases) keep the model's base precision.
#pragma once

#include "model/config.hpp"
#include "sizing/tensors.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

// How the linear weights are stored.
enum class WeightFormat {
  floating,  // bf16 / fp16 / fp32: everything at the base precision
  fp8,       // 1 byte + fp32 scale per tensor or per [bn, bk] block (DeepSeek-V3: 128x128)
  int8,      // 1 byte + one fp32 scale per output channel
  int4,      // GPTQ/AWQ-style: 4 bits + fp16 scale and 4-bit zero per group (+ GPTQ g_idx)
  mxfp4,     // OCP MX FP4: 4 bits + one E8M0 scale byte per 32 (gpt-oss experts)
  nvfp4,     // 4 bits + one FP8 scale per 16 + one fp32 global scale per tensor
  nf4,       // bitsandbytes 4-bit: 4 bits + one fp32 absmax per 64
  gguf,      // llama.cpp GGUF file types (q4_k_m, q8_0, ...), see gguf.hpp
};

struct WeightPrecision {
  std::string name;            // what the user sees: "bf16", "fp8", "gptq", "q4_k_m", ...
  WeightFormat format = WeightFormat::floating;
  unsigned base_bytes = 2;     // unquantized tensors: 2 (bf16/fp16) or 4 (fp32)
  std::string base_name = "bf16";
  std::uint64_t group_size = 128;           // int4 groups
  bool gptq_g_idx = false;                  // GPTQ stores one int32 group index per input column
  std::vector<std::uint64_t> block;         // fp8 block scaling [bn, bk]; empty = per tensor
  bool experts_only = false;                // mxfp4 of gpt-oss: attention stays at the base precision
  std::string source;                       // "--dtype q4_k_m", "config.json torch_dtype bfloat16", ...
};

// The accepted --dtype values, in --help order.
const std::vector<std::string>& weight_precision_names();

// Resolves --dtype (case-insensitive). "auto" reads torch_dtype and
// quantization_config; a missing torch_dtype means bf16 (said in `source`).
// Throws a usage Error for an unknown name or an unsupported quantization.
WeightPrecision resolve_weight_precision(std::string_view name, const ModelConfig& config);

// Whether `precision` quantizes a tensor of this role.
bool is_quantized_role(const WeightPrecision& precision, const TensorGroup& tensor);

// One stored form of a tensor: its type name ("bf16", "fp8", "int4", "q6_K",
// ...) and exact bytes, for a [rows, cols] matrix (or vector) `count` times.
struct StoredTensor {
  std::string type;
  std::uint64_t bytes = 0;
};
StoredTensor stored_tensor(const WeightPrecision& precision, const ModelConfig& config, const TensorGroup& tensor);

// KV-cache element type.
struct KvPrecision {
  std::string name;  // "bf16", "fp16", "fp32", "fp8"
  unsigned bytes = 2;
  std::string source;  // "--kv-dtype fp8", "auto: the model's bf16"
};
const std::vector<std::string>& kv_precision_names();
// "auto" follows vLLM's kv_cache_dtype=auto: the model's activation dtype
// (the unquantized base precision).
KvPrecision resolve_kv_precision(std::string_view name, const WeightPrecision& weights);

}  // namespace llmctl
