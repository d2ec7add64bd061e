// Block layouts from ggml/src/ggml-common.h (QK4_0 = 32, QK_K = 256):
//   Q4_0  fp16 d + 16 B of nibbles                      = 18 B / 32  (4.5 bpw)
//   Q4_1  fp16 d, m + 16 B                              = 20 B / 32  (5.0 bpw)
//   Q5_0  fp16 d + 4 B high bits + 16 B                 = 22 B / 32  (5.5 bpw)
//   Q5_1  fp16 d, m + 4 B + 16 B                        = 24 B / 32  (6.0 bpw)
//   Q8_0  fp16 d + 32 B                                 = 34 B / 32  (8.5 bpw)
//   IQ4_NL fp16 d + 16 B                                = 18 B / 32  (4.5 bpw)
//   Q2_K  16 B scales + 64 B quants + 2 fp16            = 84 B / 256 (2.625 bpw)
//   Q3_K  32 B hmask + 64 B quants + 12 B scales + fp16 = 110 B / 256 (3.4375 bpw)
//   Q4_K  2 fp16 + 12 B scales + 128 B quants           = 144 B / 256 (4.5 bpw)
//   Q5_K  2 fp16 + 12 B scales + 32 B high + 128 B      = 176 B / 256 (5.5 bpw)
//   Q6_K  128 B low + 64 B high + 16 B scales + fp16    = 210 B / 256 (6.5625 bpw)
#include "sizing/gguf.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace llmctl {

namespace {

const std::array<GgmlType, 14> kTypes = {{
    {"F32", 1, 4},     {"F16", 1, 2},      {"BF16", 1, 2},     {"Q4_0", 32, 18},  {"Q4_1", 32, 20},
    {"Q5_0", 32, 22},  {"Q5_1", 32, 24},   {"Q8_0", 32, 34},   {"IQ4_NL", 32, 18}, {"Q2_K", 256, 84},
    {"Q3_K", 256, 110}, {"Q4_K", 256, 144}, {"Q5_K", 256, 176}, {"Q6_K", 256, 210},
}};

// File type -> the type of its ordinary tensors.
struct FileType {
  const char* name;
  const char* base;
};
const std::array<FileType, 13> kFileTypes = {{
    {"f32", "F32"},     {"f16", "F16"},     {"bf16", "BF16"},   {"q8_0", "Q8_0"},  {"q6_k", "Q6_K"},
    {"q5_k_m", "Q5_K"}, {"q5_k_s", "Q5_K"}, {"q5_1", "Q5_1"},   {"q5_0", "Q5_0"},  {"q4_k_m", "Q4_K"},
    {"q4_k_s", "Q4_K"}, {"q4_1", "Q4_1"},   {"q4_0", "Q4_0"},
}};
// q3_k_m is listed apart so the table above stays the common cases.
constexpr FileType kQ3KM = {"q3_k_m", "Q3_K"};

const FileType* find_file_type(std::string_view name) {
  for (const auto& f : kFileTypes)
    if (name == f.name) return &f;
  if (name == kQ3KM.name) return &kQ3KM;
  return nullptr;
}

bool is_float_type(std::string_view t) { return t == "F32" || t == "F16" || t == "BF16"; }

// A K-quant needs rows (ne[0] = cols) that are whole 256-weight super-blocks;
// llama.cpp then falls back to a legacy type of similar size.
std::string fallback_if_incompatible(std::string type, std::uint64_t cols) {
  if (cols % 256 == 0) return type;
  if (type == "Q2_K" || type == "Q3_K") return "IQ4_NL";
  if (type == "Q4_K") return "Q5_0";
  if (type == "Q5_K") return "Q5_1";
  if (type == "Q6_K") return "Q8_0";
  return type;
}

bool is_ffn_down(TensorRole r) {
  return r == TensorRole::mlp_down || r == TensorRole::expert_down || r == TensorRole::shared_down;
}
bool is_attn_qkv(const ModelConfig& c, TensorRole r) {
  // Phi-3 checkpoints fuse q/k/v; llama.cpp keeps them fused as attn_qkv.
  return r == TensorRole::attn_qkv ||
         (c.family == ModelFamily::phi3 && (r == TensorRole::attn_q || r == TensorRole::attn_k || r == TensorRole::attn_v));
}

// llama_tensor_get_type() for the file types above.
std::string tensor_type(std::string_view ft, const std::string& base, const ModelConfig& c, const TensorGroup& t) {
  // 1-D tensors (norms, biases, sinks) and the MoE router stay F32.
  if (!t.matrix || t.role == TensorRole::router || t.role == TensorRole::norm || t.role == TensorRole::bias ||
      t.role == TensorRole::sink)
    return "F32";
  if (t.role == TensorRole::vision) return "F16";  // the projector file (mmproj) is f16
  if (is_float_type(base)) return base;
  const bool output = t.role == TensorRole::lm_head || (t.role == TensorRole::embedding && c.tie_word_embeddings);
  if (output) {
    if (t.cols % 256 != 0) return "Q8_0";
    return base == "Q8_0" ? "Q8_0" : "Q6_K";
  }
  if (t.role == TensorRole::embedding) return base;
  const std::int64_t n = static_cast<std::int64_t>(c.num_hidden_layers), i = t.layer;
  const bool eight_experts = c.moe && c.moe->num_experts == 8;
  std::string type = base;
  if (t.role == TensorRole::attn_v && !is_attn_qkv(c, t.role)) {
    if (ft == "q3_k_m") type = i < 2 ? "Q5_K" : "Q4_K";
    else if ((ft == "q4_k_m" || ft == "q5_k_m") && gguf_use_more_bits(i, n)) type = "Q6_K";
    else if (ft == "q4_k_s" && i < 4) type = "Q5_K";
    // Llama 70B (80 layers): 8 query heads share each v head, so v gets Q5_K cheaply.
    if (c.family == ModelFamily::llama && n == 80 && (type == "Q3_K" || type == "Q4_K")) type = "Q5_K";
    if (eight_experts) type = "Q8_0";
  } else if (is_attn_qkv(c, t.role)) {
    if (ft == "q3_k_m") type = "Q4_K";
    else if (ft == "q4_k_m") type = "Q5_K";
    else if (ft == "q5_k_m") type = "Q6_K";
  } else if (t.role == TensorRole::attn_o) {
    if (eight_experts && (ft == "q3_k_m" || ft == "q4_k_s" || ft == "q4_k_m")) type = "Q5_K";
    else if (!eight_experts && ft == "q3_k_m") type = "Q4_K";
  } else if (is_ffn_down(t.role)) {
    if (ft == "q3_k_m") type = i < n / 16 ? "Q5_K" : "Q4_K";
    else if ((ft == "q4_k_m" || ft == "q5_k_m") && gguf_use_more_bits(i, n)) type = "Q6_K";
    else if (ft == "q4_k_s" && i < n / 8) type = "Q5_K";
  }
  return fallback_if_incompatible(type, t.cols);
}

}  // namespace

bool gguf_use_more_bits(std::int64_t i, std::int64_t n) {
  return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

const std::vector<std::string>& gguf_file_type_names() {
  static const std::vector<std::string> names = {"q8_0", "q6_k", "q5_k_m", "q5_k_s", "q5_1", "q5_0", "q4_k_m",
                                                 "q4_k_s", "q4_1", "q4_0", "q3_k_m", "f16", "f32"};
  return names;
}

bool is_gguf_file_type(std::string_view name) { return find_file_type(name) != nullptr; }

GgmlType ggml_type(std::string_view name) {
  for (const auto& t : kTypes)
    if (t.name == name) return t;
  throw runtime_error(fmt::format("unknown ggml type '{}'", name));
}

GgufTensor gguf_tensor(std::string_view file_type, const ModelConfig& config, const TensorGroup& tensor) {
  const FileType* ft = find_file_type(file_type);
  if (!ft) throw usage_error(fmt::format("unknown GGUF file type '{}'", file_type));
  GgufTensor out;
  out.type = ggml_type(tensor_type(file_type, ft->base, config, tensor));
  // Each row of ne[0] = cols weights is a whole number of blocks.
  const std::uint64_t blocks_per_row = (tensor.cols + out.type.block_elems - 1) / out.type.block_elems;
  out.bytes = tensor.rows * blocks_per_row * out.type.block_bytes * tensor.count;
  return out;
}

}  // namespace llmctl
