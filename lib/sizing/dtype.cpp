// Storage cost per format, for a [rows = out, cols = in] weight held `count` times:
//   float        rows*cols*base_bytes
//   fp8          rows*cols + 4 B fp32 scale per tensor, or per [bn, bk] block:
//                ceil(rows/bn)*ceil(cols/bk)*4 (DeepSeek-V3 weight_scale_inv)
//   int8         rows*cols + rows*4 (one fp32 scale per output channel)
//   int4 (AWQ)   rows*cols/2 (qweight) + rows*G*2 (fp16 scales) + rows*G/2 (4-bit zeros), G = ceil(cols/g)
//   int4 (GPTQ)  the same + cols*4 (int32 g_idx)
//   mxfp4        rows*ceil(cols/32)*17 (16 B of nibbles + 1 E8M0 scale per 32)
//   nvfp4        rows*cols/2 + rows*ceil(cols/16) (fp8 scales) + 4 (fp32 global scale)
//   nf4          rows*cols/2 + ceil(rows*cols/64)*4 (fp32 absmax per 64)
#include "sizing/dtype.hpp"

#include "sizing/gguf.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace llmctl {

namespace {

using u64 = std::uint64_t;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

u64 ceil_div(u64 a, u64 b) { return (a + b - 1) / b; }

// The model's unquantized precision from torch_dtype.
void set_base(WeightPrecision& p, const ModelConfig& c) {
  const std::string t = lower(c.torch_dtype);
  if (t == "float16" || t == "half" || t == "fp16") {
    p.base_bytes = 2;
    p.base_name = "fp16";
  } else if (t == "float32" || t == "float" || t == "fp32") {
    p.base_bytes = 4;
    p.base_name = "fp32";
  } else {
    p.base_bytes = 2;
    p.base_name = "bf16";
  }
}

std::string base_source(const ModelConfig& c) {
  return c.torch_dtype.empty() ? "config.json has no torch_dtype: bf16 assumed"
                               : "config.json torch_dtype " + c.torch_dtype;
}

bool is_linear(TensorRole r) {
  switch (r) {
    case TensorRole::attn_q: case TensorRole::attn_k: case TensorRole::attn_v: case TensorRole::attn_qkv:
    case TensorRole::attn_o: case TensorRole::mla_q_a: case TensorRole::mla_q_b: case TensorRole::mla_kv_a:
    case TensorRole::mla_kv_b: case TensorRole::mlp_gate: case TensorRole::mlp_up: case TensorRole::mlp_down:
    case TensorRole::expert_gate: case TensorRole::expert_up: case TensorRole::expert_down:
    case TensorRole::shared_gate: case TensorRole::shared_up: case TensorRole::shared_down:
      return true;
    default:
      return false;
  }
}

bool is_expert(TensorRole r) {
  return r == TensorRole::expert_gate || r == TensorRole::expert_up || r == TensorRole::expert_down;
}

// A quantized format chosen by name (from --dtype or quantization_config).
WeightPrecision quantized(const std::string& name, const ModelConfig& c) {
  WeightPrecision p;
  p.name = name;
  set_base(p, c);
  if (name == "fp8") {
    p.format = WeightFormat::fp8;
  } else if (name == "int8") {
    p.format = WeightFormat::int8;
  } else if (name == "int4" || name == "awq") {
    p.format = WeightFormat::int4;
  } else if (name == "gptq") {
    p.format = WeightFormat::int4;
    p.gptq_g_idx = true;
  } else if (name == "mxfp4") {
    p.format = WeightFormat::mxfp4;
    p.experts_only = c.moe.has_value();  // gpt-oss: only the experts; attention stays bf16
  } else if (name == "nvfp4") {
    p.format = WeightFormat::nvfp4;
  } else if (name == "nf4") {
    p.format = WeightFormat::nf4;
  }
  return p;
}

// --dtype auto: the checkpoint's own quantization_config, else torch_dtype.
WeightPrecision from_config(const ModelConfig& c) {
  if (!c.quantization) {
    WeightPrecision p;
    set_base(p, c);
    p.name = p.base_name;
    p.source = base_source(c);
    return p;
  }
  const QuantizationConfig& q = *c.quantization;
  const std::string method = lower(q.quant_method);
  const u64 bits = q.bits.value_or(4);
  WeightPrecision p;
  if (method == "fp8" || method == "fbgemm_fp8") {
    p = quantized("fp8", c);
    p.block = q.weight_block_size;
  } else if (method == "mxfp4") {
    p = quantized("mxfp4", c);
  } else if ((method == "gptq" || method == "gptq_marlin") && bits == 4) {
    p = quantized("gptq", c);
  } else if ((method == "awq" || method == "awq_marlin") && bits == 4) {
    p = quantized("awq", c);
  } else if ((method == "gptq" || method == "awq" || method == "compressed-tensors") && bits == 8) {
    p = quantized("int8", c);
  } else if (method == "compressed-tensors" && bits == 4) {
    p = quantized("int4", c);
  } else if (method == "bitsandbytes") {
    p = quantized(bits == 8 ? "int8" : "nf4", c);
  } else {
    throw usage_error(fmt::format("quantization_config.quant_method '{}' ({} bits) is not modeled by llmctl size",
                                  q.quant_method, bits),
                      "pass the storage format explicitly, e.g. --dtype int4 or --dtype fp8");
  }
  if (q.group_size && *q.group_size > 0) p.group_size = *q.group_size;
  p.source = fmt::format("config.json quantization_config ({}{})", q.quant_method,
                         p.block.size() == 2 ? fmt::format(", {}x{} blocks", p.block[0], p.block[1])
                         : p.format == WeightFormat::int4 ? fmt::format(", group {}", p.group_size)
                                                          : std::string());
  return p;
}

}  // namespace

const std::vector<std::string>& weight_precision_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"auto", "bf16", "fp16", "fp32", "fp8", "int8", "int4", "awq", "gptq", "mxfp4",
                                  "nvfp4", "nf4"};
    for (const auto& g : gguf_file_type_names())
      if (g != "f16" && g != "f32") n.push_back(g);
    return n;
  }();
  return names;
}

WeightPrecision resolve_weight_precision(std::string_view requested, const ModelConfig& c) {
  const std::string name = lower(requested.empty() ? "auto" : requested);
  if (name == "auto") return from_config(c);
  WeightPrecision p;
  if (name == "bf16" || name == "fp16" || name == "fp32" || name == "f16" || name == "f32") {
    p.name = name == "f16" ? "fp16" : name == "f32" ? "fp32" : name;
    p.base_name = p.name;
    p.base_bytes = p.name == "fp32" ? 4 : 2;
    p.source = "--dtype " + name;
    return p;
  }
  if (name == "fp8" || name == "int8" || name == "int4" || name == "awq" || name == "gptq" || name == "mxfp4" ||
      name == "nvfp4" || name == "nf4") {
    p = quantized(name, c);
    p.source = "--dtype " + name;
    return p;
  }
  if (is_gguf_file_type(name)) {
    p.name = name;
    p.format = WeightFormat::gguf;
    p.base_name = "f32";
    p.base_bytes = 4;  // GGUF keeps norms and biases in F32
    p.source = "--dtype " + name + " (llama.cpp GGUF file type)";
    return p;
  }
  std::string names;
  for (const auto& n : weight_precision_names()) names += (names.empty() ? "" : ", ") + n;
  throw usage_error(fmt::format("unknown weight precision '{}'", requested), "--dtype takes one of: " + names);
}

bool is_quantized_role(const WeightPrecision& p, const TensorGroup& t) {
  if (p.format == WeightFormat::floating || !t.matrix) return false;
  if (p.format == WeightFormat::gguf) return t.role != TensorRole::router && t.role != TensorRole::vision;
  if (p.experts_only) return is_expert(t.role);
  return is_linear(t.role);
}

StoredTensor stored_tensor(const WeightPrecision& p, const ModelConfig& c, const TensorGroup& t) {
  if (!t.stored_dtype.empty()) return {lower(t.stored_dtype), t.stored_bytes};
  if (p.format == WeightFormat::gguf) {
    const GgufTensor g = gguf_tensor(p.name, c, t);
    return {g.type.name, g.bytes};
  }
  const u64 rows = t.rows, cols = t.cols, n = rows * cols;
  if (!is_quantized_role(p, t)) return {p.base_name, n * p.base_bytes * t.count};
  u64 one = 0;
  std::string type = p.name;
  switch (p.format) {
    case WeightFormat::fp8:
      one = n + (p.block.size() == 2 ? ceil_div(rows, p.block[0]) * ceil_div(cols, p.block[1]) * 4 : 4);
      break;
    case WeightFormat::int8:
      one = n + rows * 4;
      break;
    case WeightFormat::int4: {
      const u64 groups = ceil_div(cols, p.group_size);
      one = ceil_div(n, 2) + rows * groups * 2 + ceil_div(rows * groups, 2) + (p.gptq_g_idx ? cols * 4 : 0);
      break;
    }
    case WeightFormat::mxfp4:
      one = rows * ceil_div(cols, 32) * 17;
      break;
    case WeightFormat::nvfp4:
      one = ceil_div(n, 2) + rows * ceil_div(cols, 16) + 4;
      break;
    case WeightFormat::nf4:
      one = ceil_div(n, 2) + ceil_div(n, 64) * 4;
      break;
    case WeightFormat::floating:
    case WeightFormat::gguf:
      break;
  }
  return {type, one * t.count};
}

const std::vector<std::string>& kv_precision_names() {
  static const std::vector<std::string> names = {"auto", "bf16", "fp16", "fp32", "fp8", "fp8_e4m3", "fp8_e5m2"};
  return names;
}

KvPrecision resolve_kv_precision(std::string_view requested, const WeightPrecision& w) {
  const std::string name = lower(requested.empty() ? "auto" : requested);
  if (name == "auto") {
    // vLLM kv_cache_dtype=auto stores K/V in the model dtype; fp32 and GGUF
    // models run in 16-bit (vLLM ModelConfig picks bf16/fp16 for fp32 checkpoints).
    const bool fp16 = w.base_name == "fp16" || w.format == WeightFormat::gguf;
    return {fp16 ? "fp16" : "bf16", 2, fmt::format("auto: the model's {} activations", fp16 ? "fp16" : "bf16")};
  }
  if (name == "bf16" || name == "fp16") return {name, 2, "--kv-dtype " + name};
  if (name == "fp32") return {name, 4, "--kv-dtype fp32"};
  if (name == "fp8" || name == "fp8_e4m3" || name == "fp8_e5m2") return {name, 1, "--kv-dtype " + name};
  throw usage_error(fmt::format("unknown KV cache precision '{}'", requested),
                    "--kv-dtype takes one of: auto, bf16, fp16, fp32, fp8 (fp8_e4m3, fp8_e5m2)");
}

}  // namespace llmctl
