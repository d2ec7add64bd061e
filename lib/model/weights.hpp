// Model weights for the CPU backend: every tensor of a decoder checkpoint
// (Qwen3, Qwen2, Llama, Mistral naming) read through mmap from
// model.safetensors or the shards of model.safetensors.index.json and
// converted to fp32 (BF16, F16 and F32 are accepted), or random weights of
// the same shapes built from the config alone (--dummy-weights).
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
#include <vector>

namespace llmctl {

struct WeightTensor {
  std::vector<std::int64_t> shape;  // row-major, as stored (Linear: [out, in])
  std::vector<float> data;

  std::int64_t elements() const;
};

// One tensor the architecture needs: its name and shape.
struct ExpectedTensor {
  std::string name;
  std::vector<std::int64_t> shape;
  bool optional = false;  // lm_head.weight when tied
};

// The tensors of `config`'s decoder, in a fixed order. Throws a usage Error
// for a family the CPU backend does not run (MoE, MLA, sliding window, ...).
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

 private:
  std::map<std::string, WeightTensor> tensors_;
};

// Reads the safetensors of model directory `dir` (sharded or not) for
// `config`. Errors name the file and the tensor.
ModelWeights load_weights(const std::filesystem::path& dir, const ModelConfig& config);

// Deterministic random weights of the real shapes: Linear weights
// ~ U(-a, a) with a = sqrt(3 / fan_in) (unit-variance outputs), norms 1,
// biases and embeddings small. Same seed, same weights.
ModelWeights dummy_weights(const ModelConfig& config, std::uint64_t seed = 0);

// IEEE half / bfloat16 bits to float (exact).
float half_to_float(std::uint16_t bits);
float bfloat16_to_float(std::uint16_t bits);

}  // namespace llmctl
