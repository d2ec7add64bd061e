// lib/model/weights: safetensors through mmap (single and sharded), dtype
// conversion, tied lm_head, errors naming the tensor, dummy weights.
// (Here rather than tests/model/ because the golden models live with the
// backend tests; the module itself is in lib/model.)
#include "golden_fixture.hpp"

#include "model/weights.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <unistd.h>

using namespace llmctl;
using namespace llmctl::backend::cpu::test;

namespace {

struct RawTensor {
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::string bytes;
};

void write_safetensors(const std::filesystem::path& path, const std::map<std::string, RawTensor>& tensors) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [name, t] : tensors) {
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data += t.bytes;
  }
  std::string h = header.dump();
  const std::uint64_t n = h.size();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << h << data;
}

std::string f32_bytes(std::int64_t count, float value) {
  std::string s(static_cast<std::size_t>(count) * 4, '\0');
  for (std::int64_t i = 0; i < count; ++i) std::memcpy(s.data() + i * 4, &value, 4);
  return s;
}

// A one-layer Qwen3: hidden 4, 2 heads of 2, 1 KV head, MLP 4, vocab 8.
ModelConfig tiny_config(bool tied) {
  Json j = {{"architectures", {"Qwen3ForCausalLM"}}, {"model_type", "qwen3"}, {"hidden_size", 4},
            {"num_hidden_layers", 1}, {"num_attention_heads", 2}, {"num_key_value_heads", 1}, {"head_dim", 2},
            {"intermediate_size", 4}, {"vocab_size", 8}, {"max_position_embeddings", 64},
            {"tie_word_embeddings", tied}};
  return parse_model_config(j, "tiny config.json");
}

std::map<std::string, RawTensor> full_tensors(const ModelConfig& c) {
  std::map<std::string, RawTensor> t;
  for (const auto& e : expected_tensors(c)) {
    if (e.optional) continue;
    std::int64_t n = 1;
    for (auto d : e.shape) n *= d;
    t[e.name] = {"F32", e.shape, f32_bytes(n, 0.5f)};
  }
  return t;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("llmctl-weights-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string error_of(const std::filesystem::path& dir, const ModelConfig& c) {
  try {
    load_weights(dir, c);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("weights: the golden checkpoints load, tied lm_head reuses the embedding") {
  for (const auto& name : kGoldenModels) {
    CAPTURE(name);
    const ModelConfig c = load_model_config(model_dir(name) / "config.json");
    const ModelWeights w = load_weights(model_dir(name), c);
    CHECK(&w.lm_head() == (c.tie_word_embeddings ? &w.get("model.embed_tokens.weight") : &w.get("lm_head.weight")));
    CHECK(w.get("model.layers.1.mlp.down_proj.weight").shape == std::vector<std::int64_t>{64, 128});
  }
}

TEST_CASE("weights: bf16 and fp16 convert exactly") {
  CHECK(bfloat16_to_float(0x3f80) == 1.0f);
  CHECK(bfloat16_to_float(0xc040) == -3.0f);
  CHECK(half_to_float(0x3c00) == 1.0f);
  CHECK(half_to_float(0xc000) == -2.0f);
  CHECK(half_to_float(0x7bff) == 65504.0f);
  CHECK(half_to_float(0x0001) == std::ldexp(1.0f, -24));  // smallest subnormal
  CHECK(half_to_float(0x03ff) == std::ldexp(1023.0f, -24));
  CHECK(std::isinf(half_to_float(0x7c00)));
  CHECK(std::isnan(half_to_float(0x7e00)));
  TempDir dir;
  const ModelConfig c = tiny_config(true);
  auto t = full_tensors(c);
  t["model.norm.weight"] = {"BF16", {4}, std::string("\x80\x3f\x40\xc0\x80\x3f\x80\x3f", 8)};
  t["model.layers.0.input_layernorm.weight"] = {"F16", {4}, std::string("\x00\x3c\x00\xc0\x00\x3c\x00\x3c", 8)};
  write_safetensors(dir.path / "model.safetensors", t);
  const ModelWeights w = load_weights(dir.path, c);
  CHECK(w.get("model.norm.weight").data == std::vector<float>{1, -3, 1, 1});
  CHECK(w.get("model.layers.0.input_layernorm.weight").data == std::vector<float>{1, -2, 1, 1});
}

TEST_CASE("weights: sharded checkpoints through model.safetensors.index.json") {
  TempDir dir;
  const ModelConfig c = tiny_config(false);
  auto all = full_tensors(c);
  std::map<std::string, RawTensor> a, b;
  nlohmann::json map = nlohmann::json::object();
  for (auto& [name, t] : all) {
    const bool first = name.starts_with("model.layers");
    (first ? a : b)[name] = t;
    map[name] = first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  write_safetensors(dir.path / "model-00001-of-00002.safetensors", a);
  write_safetensors(dir.path / "model-00002-of-00002.safetensors", b);
  std::ofstream(dir.path / "model.safetensors.index.json") << nlohmann::json{{"metadata", nlohmann::json::object()},
                                                                             {"weight_map", map}}.dump();
  const ModelWeights w = load_weights(dir.path, c);
  CHECK(w.size() == all.size());
  CHECK(w.get("lm_head.weight").data[0] == 0.5f);
}

TEST_CASE("weights: a missing, extra or mis-shaped tensor is named") {
  TempDir dir;
  const ModelConfig c = tiny_config(true);
  auto t = full_tensors(c);
  t.erase("model.layers.0.self_attn.k_norm.weight");
  write_safetensors(dir.path / "model.safetensors", t);
  CHECK(error_of(dir.path, c).find("tensor model.layers.0.self_attn.k_norm.weight is missing") != std::string::npos);

  t = full_tensors(c);
  t["model.layers.0.mlp.experts.0.weight"] = {"F32", {1}, f32_bytes(1, 0)};
  write_safetensors(dir.path / "model.safetensors", t);
  CHECK(error_of(dir.path, c).find("unexpected tensor model.layers.0.mlp.experts.0.weight") != std::string::npos);

  t = full_tensors(c);
  t["model.layers.0.mlp.up_proj.weight"] = {"F32", {4, 5}, f32_bytes(20, 0)};
  write_safetensors(dir.path / "model.safetensors", t);
  CHECK(error_of(dir.path, c).find("tensor model.layers.0.mlp.up_proj.weight has shape [4, 5], the config implies [4, 4]") !=
        std::string::npos);

  t = full_tensors(c);
  t["lm_head.weight"] = {"F32", {8, 4}, f32_bytes(32, 2.0f)};  // a stored copy of a tied head is used
  write_safetensors(dir.path / "model.safetensors", t);
  CHECK(load_weights(dir.path, c).lm_head().data[0] == 2.0f);

  std::filesystem::remove(dir.path / "model.safetensors");
  CHECK(error_of(dir.path, c).find("no model.safetensors") != std::string::npos);
}

TEST_CASE("weights: dummy weights have the real shapes and depend only on the seed") {
  const ModelConfig c = load_model_config(model_dir("qwen2-bias") / "config.json");
  const ModelWeights a = dummy_weights(c, 7), b = dummy_weights(c, 7), d = dummy_weights(c, 8);
  for (const auto& e : expected_tensors(c)) {
    CAPTURE(e.name);
    CHECK(a.get(e.name).shape == e.shape);
    CHECK(a.get(e.name).data == b.get(e.name).data);
  }
  CHECK(a.get("model.layers.0.self_attn.q_proj.weight").data != d.get("model.layers.0.self_attn.q_proj.weight").data);
  // A dummy model runs: finite logits.
  backend::cpu::CpuModelRunner runner(c, dummy_weights(c, 1), 4, 16);
  engine::Logits logits;
  runner.forward(single_batch({1, 2, 3, 4, 5}, 16, {4}), logits);
  for (float x : logits.row(0)) REQUIRE(std::isfinite(x));
}
