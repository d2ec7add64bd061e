// llama.cpp GGUF file types (q4_k_m, q8_0, ...): which ggml type each tensor
// gets, and the exact bytes of that type's blocks (weights plus the scales
// and minimums stored inside every block). The per-tensor rules follow
// llama.cpp src/llama-quant.cpp llama_tensor_get_type(): output (or a tied
// token embedding) at Q6_K, attn_v and ffn_down at Q6_K in "more bits"
// layers for the _M types, K-quants falling back to legacy types when a row
// is not a multiple of 256.
#pragma once

#include "model/config.hpp"
#include "sizing/tensors.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

// A ggml tensor type: `block_bytes` bytes hold `block_elems` weights.
struct GgmlType {
  std::string name;  // "Q4_K", "Q8_0", "F16", ...
  std::uint32_t block_elems = 1;
  std::uint32_t block_bytes = 2;

  double bits_per_weight() const { return 8.0 * block_bytes / block_elems; }
};

// The GGUF file types --dtype accepts ("q4_k_m", "q8_0", "f16", ...).
const std::vector<std::string>& gguf_file_type_names();
bool is_gguf_file_type(std::string_view name);

// The type of one ggml tensor name ("Q6_K") — throws for an unknown one.
GgmlType ggml_type(std::string_view name);

// The ggml type llama.cpp's quantizer writes for `tensor` in a file of type
// `file_type` (lower case, e.g. "q4_k_m"), and the tensor's bytes in it.
struct GgufTensor {
  GgmlType type;
  std::uint64_t bytes = 0;
};
GgufTensor gguf_tensor(std::string_view file_type, const ModelConfig& config, const TensorGroup& tensor);

// llama.cpp's use_more_bits(i, n): the first and last eighth of the layers and
// every third layer in between get more bits in the _M file types.
bool gguf_use_more_bits(std::int64_t layer, std::int64_t layers);

}  // namespace llmctl
