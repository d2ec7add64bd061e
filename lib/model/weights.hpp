// Model weights for the CPU backend: every tensor of a decoder checkpoint
// (Qwen3, Qwen2, Llama, Mistral naming) read through mmap from
// model.safetensors or the shards of model.safetensors.index.json and
// converted to the run's dtype (BF16, F16 and F32 checkpoints are accepted),
// or random weights of the same shapes built from the config alone
// (--dummy-weights).
//
// dtype float32 (the default, the golden-parity reference) holds every tensor
// in fp32. dtype bfloat16 (vLLM's CPU default) holds the matrices (Linear
// weights, the embedding) in bf16, copied bit for bit from a BF16 checkpoint
// and rounded to nearest even from F32/F16; 1-D tensors (norm weights,
// biases) stay fp32 (exact for a BF16 checkpoint: bf16 widens exactly).
//
// The expected tensor set comes from the config: a missing, unexpected or
// mis-shaped tensor is an Error naming it. A tied lm_head
// (tie_word_embeddings) reuses model.embed_tokens.weight; a checkpoint that
// stores a copy of it anyway is accepted (the copy is used).
#pragma once

#include "model/config.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

enum class WeightDtype { float32, bfloat16 };
// "float32" | "fp32" | "float" | "bfloat16" | "bf16"; a usage Error otherwise.
WeightDtype parse_weight_dtype(std::string_view text);
std::string_view to_string(WeightDtype dtype);

struct WeightTensor {
  std::vector<std::int64_t> shape;  // row-major, as stored (Linear: [out, in])
  WeightDtype dtype = WeightDtype::float32;
  std::vector<float> data;          // the values when dtype is float32
  std::vector<std::uint16_t> bf16;  // the values (bfloat16 bits) when dtype is bfloat16

  std::int64_t elements() const;
  std::int64_t bytes() const;  // as held in memory
  // Element i as fp32, whatever the dtype (tests, small tensors).
  float at(std::int64_t i) const;
};

// One tensor the architecture needs: its name and shape.
struct ExpectedTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  bool optional = false;  // lm_head.weight when tied
};

// The tensors of `config`'s decoder, in a fixed order. Throws a usage Error
// for a family the CPU backend does not run (MoE, MLA, o_proj/MLP biases, ...).
std::vector<ExpectedTensor> expected_tensors(const ModelConfig& config);

class ModelWeights {
 public:
  // The tensor `name`; a runtime Error naming it when absent.
  const WeightTensor& get(const std::string& name) const;
  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  // lm_head.weight, or the embedding when tied and no copy was stored.
  const WeightTensor& lm_head() const;
  void put(std::string name, WeightTensor tensor) { tensors_[std::move(name)] = std::move(tensor); }
  std::size_t size() const { return tensors_.size(); }
  std::int64_t bytes() const;  // all tensors as held in memory

 private:
  std::map<std::string, WeightTensor> tensors_;
};

// Reads the safetensors of model directory `dir` (sharded or not) for
// `config`, holding them in `dtype`. Errors name the file and the tensor.
ModelWeights load_weights(const std::filesystem::path& dir, const ModelConfig& config,
                          WeightDtype dtype = WeightDtype::float32);

// Deterministic random weights of the real shapes: Linear weights
// ~ U(-a, a) with a = sqrt(3 / fan_in) (unit-variance outputs), norms 1,
// biases and embeddings small. Same seed, same weights; bfloat16 holds the
// float32 values rounded to nearest even.
ModelWeights dummy_weights(const ModelConfig& config, std::uint64_t seed = 0,
                           WeightDtype dtype = WeightDtype::float32);

// IEEE half / bfloat16 bits to float (exact).
float half_to_float(std::uint16_t bits);
float bfloat16_to_float(std::uint16_t bits);
// float to bfloat16 bits, rounded to nearest even (NaN stays a quiet NaN).
std::uint16_t float_to_bfloat16(float f);

}  // namespace llmctl
