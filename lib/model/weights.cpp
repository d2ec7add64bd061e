#include "model/weights.hpp"

#include "model/safetensors.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace llmctl {

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// A read-only mapping of a whole file; unmapped on destruction.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw runtime_error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      throw runtime_error(fmt::format("{}: cannot stat: {}", path.string(), std::strerror(errno)));
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        throw runtime_error(fmt::format("{}: cannot mmap: {}", path.string(), std::strerror(errno)));
      }
      data_ = static_cast<const unsigned char*>(p);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

void convert(const unsigned char* src, const std::string& dtype, std::size_t n, float* dst, const std::string& what) {
  if (dtype == "F32") {
    std::memcpy(dst, src, n * sizeof(float));
  } else if (dtype == "BF16" || dtype == "F16") {
    const bool bf = dtype == "BF16";
    for (std::size_t i = 0; i < n; ++i) {
      std::uint16_t b;
      std::memcpy(&b, src + 2 * i, 2);
      dst[i] = bf ? bfloat16_to_float(b) : half_to_float(b);
    }
  } else {
    throw runtime_error(fmt::format("{}: dtype {} is not supported by the CPU backend", what, dtype),
                        "use a BF16, F16 or F32 checkpoint");
  }
}

// To bf16 bits: a BF16 tensor is copied; F32 and F16 values round to nearest even.
void convert_bf16(const unsigned char* src, const std::string& dtype, std::size_t n, std::uint16_t* dst,
                  const std::string& what) {
  if (dtype == "BF16") {
    std::memcpy(dst, src, n * 2);
    return;
  }
  std::vector<float> tmp(std::min<std::size_t>(n, 1 << 16));
  for (std::size_t i0 = 0; i0 < n; i0 += tmp.size()) {
    const std::size_t len = std::min(tmp.size(), n - i0);
    const std::size_t esize = dtype == "F32" ? 4 : 2;
    convert(src + i0 * esize, dtype, len, tmp.data(), what);
    for (std::size_t i = 0; i < len; ++i) dst[i0 + i] = float_to_bfloat16(tmp[i]);
  }
}

// Matrices take the run's dtype; 1-D tensors (norms, biases) stay fp32.
WeightDtype held_dtype(const std::vector<std::int64_t>& shape, WeightDtype dtype) {
  return shape.size() >= 2 ? dtype : WeightDtype::float32;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw runtime_error(fmt::format("{}: cannot read", p.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::int64_t WeightTensor::elements() const {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::int64_t WeightTensor::bytes() const {
  return static_cast<std::int64_t>(data.size() * sizeof(float) + bf16.size() * sizeof(std::uint16_t));
}

float WeightTensor::at(std::int64_t i) const {
  const auto k = static_cast<std::size_t>(i);
  return dtype == WeightDtype::bfloat16 ? bfloat16_to_float(bf16.at(k)) : data.at(k);
}

std::int64_t ModelWeights::bytes() const {
  std::int64_t n = 0;
  for (const auto& [name, t] : tensors_) n += t.bytes();
  return n;
}

WeightDtype parse_weight_dtype(std::string_view text) {
  if (text == "float32" || text == "fp32" || text == "float") return WeightDtype::float32;
  if (text == "bfloat16" || text == "bf16") return WeightDtype::bfloat16;
  throw usage_error(fmt::format("dtype '{}' is not supported by the CPU backend", text),
                    "use float32 or bfloat16");
}

std::string_view to_string(WeightDtype dtype) {
  return dtype == WeightDtype::bfloat16 ? "bfloat16" : "float32";
}

std::uint16_t float_to_bfloat16(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((bits >> 16) | 0x40u);  // quiet NaN
  // Round to nearest even: add 0x7fff plus the lowest kept bit, then truncate.
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>(bits >> 16);
}

float half_to_float(std::uint16_t h) {
  // sign | 5-bit exponent (bias 15) | 10-bit mantissa.
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  std::uint32_t exp = (h >> 10) & 0x1fu;
  std::uint32_t mant = h & 0x3ffu;
  std::uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);  // inf / nan
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (mant << 13);  // rebias 15 -> 127
  } else if (mant == 0) {
    bits = sign;
  } else {  // subnormal: mant * 2^-24, renormalised
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400u) == 0);
    bits = sign | (static_cast<std::uint32_t>(112 - e) << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float bfloat16_to_float(std::uint16_t b) {
  const std::uint32_t bits = static_cast<std::uint32_t>(b) << 16;  // bf16 is the top half of an fp32
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::vector<ExpectedTensor> expected_tensors(const ModelConfig& c) {
  switch (c.family) {
    case ModelFamily::qwen2:
    case ModelFamily::qwen3:
    case ModelFamily::llama:
    case ModelFamily::mistral:
      break;
    default:
      throw usage_error(fmt::format("the CPU backend does not run {} models ({})", family_name(c.family),
                                    c.architecture),
                        "supported: Qwen3, Qwen2, Llama and Mistral dense decoders");
  }
  if (c.moe || c.mla || c.mlp_bias || c.attention_output_bias)
    throw usage_error(fmt::format("the CPU backend does not run this {} variant (MoE, MLA or o_proj/MLP biases)",
                                  c.architecture));
  const auto H = static_cast<std::int64_t>(c.hidden_size), V = static_cast<std::int64_t>(c.vocab_size);
  const auto D = static_cast<std::int64_t>(c.head_dim), I = static_cast<std::int64_t>(c.intermediate_size);
  const auto q = static_cast<std::int64_t>(c.num_attention_heads) * D;
  const auto kv = static_cast<std::int64_t>(c.num_key_value_heads) * D;
  std::vector<ExpectedTensor> t;
  t.push_back({"model.embed_tokens.weight", {V, H}});
  for (std::uint64_t l = 0; l < c.num_hidden_layers; ++l) {
    const std::string p = fmt::format("model.layers.{}.", l);
    t.push_back({p + "input_layernorm.weight", {H}});
    t.push_back({p + "self_attn.q_proj.weight", {q, H}});
    t.push_back({p + "self_attn.k_proj.weight", {kv, H}});
    t.push_back({p + "self_attn.v_proj.weight", {kv, H}});
    if (c.attention_bias) {
      t.push_back({p + "self_attn.q_proj.bias", {q}});
      t.push_back({p + "self_attn.k_proj.bias", {kv}});
      t.push_back({p + "self_attn.v_proj.bias", {kv}});
    }
    if (c.qk_norm) {
      t.push_back({p + "self_attn.q_norm.weight", {D}});
      t.push_back({p + "self_attn.k_norm.weight", {D}});
    }
    t.push_back({p + "self_attn.o_proj.weight", {H, q}});
    t.push_back({p + "post_attention_layernorm.weight", {H}});
    t.push_back({p + "mlp.gate_proj.weight", {I, H}});
    t.push_back({p + "mlp.up_proj.weight", {I, H}});
    t.push_back({p + "mlp.down_proj.weight", {H, I}});
  }
  t.push_back({"model.norm.weight", {H}});
  t.push_back({"lm_head.weight", {V, H}, c.tie_word_embeddings});
  return t;
}

const WeightTensor& ModelWeights::get(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw runtime_error(fmt::format("model weights: tensor {} is missing", name));
  return it->second;
}

const WeightTensor& ModelWeights::lm_head() const {
  auto it = tensors_.find("lm_head.weight");
  return it != tensors_.end() ? it->second : get("model.embed_tokens.weight");
}

ModelWeights load_weights(const std::filesystem::path& dir, const ModelConfig& config, WeightDtype dtype) {
  const auto expected = expected_tensors(config);
  // tensor name -> shard file
  std::map<std::string, std::string> where;
  std::vector<std::string> shards;
  const auto index = dir / "model.safetensors.index.json";
  if (std::filesystem::exists(index)) {
    const SafetensorsIndex idx = parse_safetensors_index(read_text(index), index.string());
    shards = idx.shards();
  } else if (std::filesystem::exists(dir / "model.safetensors")) {
    shards = {"model.safetensors"};
  } else {
    throw runtime_error(fmt::format("{}: no model.safetensors or model.safetensors.index.json", dir.string()),
                        "download the model first (llmctl pull), or use --dummy-weights");
  }

  std::set<std::string> wanted;
  for (const auto& e : expected) wanted.insert(e.name);
  ModelWeights weights;
  for (const std::string& shard : shards) {
    const auto path = dir / shard;
    const SafetensorsHeader header = read_safetensors_header(path);
    const MappedFile file(path);
    const std::uint64_t data_start = 8 + header.header_size;
    for (const TensorInfo& info : header.tensors) {
      // Old Llama checkpoints store RoPE's inv_freq buffer; it is recomputed from the config.
      if (info.name.ends_with("rotary_emb.inv_freq")) continue;
      if (!wanted.count(info.name))
        throw runtime_error(fmt::format("{}: unexpected tensor {} for {}", path.string(), info.name,
                                        config.architecture),
                            "the checkpoint does not match its config.json");
      if (data_start + info.data_end > file.size())
        throw runtime_error(fmt::format("{}: tensor {} runs past the end of the file", path.string(), info.name));
      WeightTensor t;
      for (auto d : info.shape) t.shape.push_back(static_cast<std::int64_t>(d));
      t.dtype = held_dtype(t.shape, dtype);
      const auto n = static_cast<std::size_t>(t.elements());
      const unsigned char* src = file.data() + data_start + info.data_begin;
      if (t.dtype == WeightDtype::bfloat16) {
        t.bf16.resize(n);
        convert_bf16(src, info.dtype, n, t.bf16.data(), path.string() + ": " + info.name);
      } else {
        t.data.resize(n);
        convert(src, info.dtype, n, t.data.data(), path.string() + ": " + info.name);
      }
      where[info.name] = shard;
      weights.put(info.name, std::move(t));
    }
  }
  for (const auto& e : expected) {
    if (!weights.contains(e.name)) {
      if (e.optional) continue;
      throw runtime_error(fmt::format("{}: tensor {} is missing", dir.string(), e.name),
                          "the checkpoint is incomplete or does not match its config.json");
    }
    const auto& shape = weights.get(e.name).shape;
    if (shape != e.shape)
      throw runtime_error(fmt::format("{}: tensor {} has shape {}, the config implies {}",
                                      (dir / where[e.name]).string(), e.name, shape_text(shape), shape_text(e.shape)),
                          "the checkpoint does not match its config.json");
  }
  return weights;
}

ModelWeights dummy_weights(const ModelConfig& config, std::uint64_t seed, WeightDtype dtype) {
  ModelWeights weights;
  std::mt19937_64 rng(seed);
  for (const auto& e : expected_tensors(config)) {
    if (e.optional) continue;  // tied lm_head: the embedding serves
    WeightTensor t;
    t.shape = e.shape;
    t.data.resize(static_cast<std::size_t>(t.elements()));
    const bool norm = e.name.ends_with("norm.weight");
    // Linear [out, in]: uniform with variance 1 / in keeps activations O(1).
    const double a = norm ? 0.0 : e.shape.size() == 2 ? std::sqrt(3.0 / static_cast<double>(e.shape[1])) : 0.02;
    std::uniform_real_distribution<float> dist(static_cast<float>(-a), static_cast<float>(a));
    for (float& x : t.data) x = norm ? 1.0f : dist(rng);
    t.dtype = held_dtype(t.shape, dtype);
    if (t.dtype == WeightDtype::bfloat16) {
      t.bf16.resize(t.data.size());
      for (std::size_t i = 0; i < t.data.size(); ++i) t.bf16[i] = float_to_bfloat16(t.data[i]);
      std::vector<float>().swap(t.data);
    }
    weights.put(e.name, std::move(t));
  }
  return weights;
}

}  // namespace llmctl
