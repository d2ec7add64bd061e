// Weight bytes by precision (scales and group overhead included), from the
// config and from safetensors headers, and the share one GPU holds.
#include "sizing/gguf.hpp"
#include "sizing/parameters.hpp"
#include "sizing_fixtures.hpp"

using namespace llmctl;
using namespace llmctl::test;

namespace {

std::uint64_t bytes_of(const WeightsEstimate& w, const std::string& type) {
  for (const auto& t : w.by_type)
    if (t.type == type) return t.bytes;
  return 0;
}

TensorInfo tensor(std::string name, std::string dtype, std::vector<std::uint64_t> shape, std::uint64_t bytes) {
  TensorInfo t;
  t.name = std::move(name);
  t.dtype = std::move(dtype);
  t.shape = std::move(shape);
  t.data_end = bytes;
  return t;
}

}  // namespace

TEST_CASE("int4 (GPTQ/AWQ), fp8 blocks, int8, mxfp4, nvfp4, nf4: bytes with their scales, by hand") {
  const ModelConfig c = catalog_config("llama-3.1-8b");
  TensorGroup q;  // one q_proj: [4096 out, 4096 in]
  q.role = TensorRole::attn_q;
  q.rows = 4096;
  q.cols = 4096;
  q.matrix = true;
  const std::uint64_t n = 4096ull * 4096;
  // AWQ, group 128: n/2 packed + rows x 32 groups x 2 B scales + rows x 32 / 2 B zeros.
  CHECK(stored_tensor(resolve_weight_precision("awq", c), c, q).bytes == n / 2 + 4096ull * 32 * 2 + 4096ull * 32 / 2);
  // GPTQ adds g_idx: one int32 per input column.
  CHECK(stored_tensor(resolve_weight_precision("gptq", c), c, q).bytes ==
        n / 2 + 4096ull * 32 * 2 + 4096ull * 32 / 2 + 4096ull * 4);
  // fp8 per tensor: n + one fp32 scale.
  CHECK(stored_tensor(resolve_weight_precision("fp8", c), c, q).bytes == n + 4);
  // int8 per channel: n + one fp32 scale per output row.
  CHECK(stored_tensor(resolve_weight_precision("int8", c), c, q).bytes == n + 4096ull * 4);
  // mxfp4: 17 bytes per 32 weights (16 of nibbles + an E8M0 scale).
  CHECK(stored_tensor(resolve_weight_precision("mxfp4", c), c, q).bytes == 4096ull * 128 * 17);
  // nvfp4: nibbles + an fp8 scale per 16 + an fp32 global scale.
  CHECK(stored_tensor(resolve_weight_precision("nvfp4", c), c, q).bytes == n / 2 + 4096ull * 256 + 4);
  // nf4: nibbles + an fp32 absmax per 64.
  CHECK(stored_tensor(resolve_weight_precision("nf4", c), c, q).bytes == n / 2 + n / 64 * 4);
  // Unquantized roles keep the base precision: the embedding of an int4 model is bf16.
  TensorGroup e = q;
  e.role = TensorRole::embedding;
  e.rows = 128256;
  CHECK(stored_tensor(resolve_weight_precision("int4", c), c, e).bytes == 128256ull * 4096 * 2);
}

TEST_CASE("DeepSeek-V3 fp8 with 128x128 block scales, from its quantization_config") {
  const ModelConfig c = catalog_config("deepseek-v3");
  const WeightPrecision p = resolve_weight_precision("auto", c);
  CHECK(p.format == WeightFormat::fp8);
  REQUIRE(p.block.size() == 2);
  CHECK(p.block[0] == 128);
  TensorGroup kv_b;  // kv_b_proj [128 x (128 + 128), 512]
  kv_b.role = TensorRole::mla_kv_b;
  kv_b.rows = 32768;
  kv_b.cols = 512;
  kv_b.matrix = true;
  CHECK(stored_tensor(p, c, kv_b).bytes == 32768ull * 512 + (32768 / 128) * (512 / 128) * 4);
  // Every linear weight is fp8; the embedding, lm_head, norms and routers stay bf16.
  const WeightsEstimate w = weights_from_config(c, p);
  const ParameterBreakdown params = count_parameters(c);
  CHECK(w.params == params.total);
  // (the MLA norms q_a_layernorm 1536 and kv_a_layernorm 512 count as attention parameters)
  const std::uint64_t bf16_params =
      params.embedding + params.lm_head + params.norms + params.moe_router + 61ull * (1536 + 512);
  CHECK(bytes_of(w, "bf16") == 2 * bf16_params);
  // fp8 bytes: one per parameter plus the block scales (a fraction of a percent).
  const double fp8 = static_cast<double>(bytes_of(w, "fp8"));
  CHECK(fp8 > static_cast<double>(params.total - bf16_params));
  CHECK(fp8 < 1.001 * static_cast<double>(params.total - bf16_params));
}

TEST_CASE("gpt-oss mxfp4: only the experts are 4-bit, attention stays bf16") {
  const ModelConfig c = catalog_config("gpt-oss-20b");
  const WeightPrecision p = resolve_weight_precision("auto", c);
  CHECK(p.format == WeightFormat::mxfp4);
  CHECK(p.experts_only);
  const WeightsEstimate w = weights_from_config(c, p);
  const ParameterBreakdown params = count_parameters(c);
  // Experts: 24 layers x 32 x (gate, up: 2880 x 2880; down: 2880 x 2880), 17 B per 32 weights,
  // their biases bf16.
  const std::uint64_t expert_matrices = 24ull * 32 * 3 * 2880 * 2880;
  CHECK(bytes_of(w, "mxfp4") == expert_matrices / 32 * 17);
  CHECK(bytes_of(w, "bf16") == 2 * (params.total - expert_matrices));
  // Exactly the checkpoint's model.safetensors.index.json total_size (catalog/SOURCES.md): 13,761,264,768.
  CHECK(w.bytes == 13761264768ULL);
}

TEST_CASE("GGUF Q4_K_M / Q5_K_M / Q8_0 of Llama-3.1-8B match llama-bench's published sizes") {
  // llama.cpp docs (llama-bench tables, e.g. docs/backend/SYCL.md and the Vulkan/CUDA
  // benchmark threads): "llama 8B Q4_K - Medium | 4.58 GiB | 8.03 B",
  // "llama 8B Q5_K - Medium | 5.33 GiB", "llama 8B Q8_0 | 7.95 GiB" (two decimals).
  const ModelConfig c = catalog_config("llama-3.1-8b");
  CHECK(near(config_weights(c, "q4_k_m").bytes / kGiB, 4.58, 0.002));
  CHECK(near(config_weights(c, "q5_k_m").bytes / kGiB, 5.33, 0.002));
  CHECK(near(config_weights(c, "q8_0").bytes / kGiB, 7.95, 0.002));
  // The mix: output.weight at Q6_K, attn_v/ffn_down at Q6_K in the "more bits" layers.
  const WeightsEstimate w = config_weights(c, "q4_k_m");
  CHECK(bytes_of(w, "Q6_K") > 0);
  CHECK(bytes_of(w, "F32") == 4ull * (32 * 2 * 4096 + 4096));  // norms only
  // use_more_bits over 32 layers: 0-3, 28-31 and every third in between (6, 9, ..., 27).
  int more = 0;
  for (int i = 0; i < 32; ++i) more += gguf_use_more_bits(i, 32) ? 1 : 0;
  CHECK(more == 4 + 4 + 8);
  CHECK(ggml_type("Q4_K").block_bytes == 144);
  CHECK(ggml_type("Q6_K").bits_per_weight() == doctest::Approx(6.5625));
  // A tied model's token embedding is written as the output tensor (Q6_K).
  const ModelConfig tied = catalog_config("qwen3-1.7b");
  TensorGroup emb;
  emb.role = TensorRole::embedding;
  emb.rows = tied.vocab_size;
  emb.cols = tied.hidden_size;
  emb.matrix = true;
  CHECK(gguf_tensor("q4_k_m", tied, emb).type.name == "Q6_K");
  // K-quants need rows of 256: gpt-oss's 2880 falls back to Q5_0 for Q4_K.
  TensorGroup up;
  up.role = TensorRole::expert_up;
  up.rows = 2880;
  up.cols = 2880;
  up.matrix = true;
  CHECK(gguf_tensor("q4_k_m", catalog_config("gpt-oss-20b"), up).type.name == "Q5_0");
}

TEST_CASE("safetensors headers: tied lm_head copy once, packed int4 at its real count, MTP left out") {
  ModelConfig c = catalog_config("qwen3-1.7b");  // tied, 28 layers
  c.quantization = QuantizationConfig{};
  c.quantization->quant_method = "gptq";
  c.quantization->bits = 4;
  Checkpoint ck;
  ck.tensors.push_back(tensor("model.embed_tokens.weight", "BF16", {151936, 2048}, 151936ull * 2048 * 2));
  ck.tensors.push_back(tensor("lm_head.weight", "BF16", {151936, 2048}, 151936ull * 2048 * 2));
  // q_proj packed: [in/8, out] int32 = 2048*2048 weights.
  ck.tensors.push_back(tensor("model.layers.0.self_attn.q_proj.qweight", "I32", {256, 2048}, 256ull * 2048 * 4));
  ck.tensors.push_back(tensor("model.layers.0.self_attn.q_proj.scales", "F16", {16, 2048}, 16ull * 2048 * 2));
  ck.tensors.push_back(tensor("model.layers.0.self_attn.q_proj.qzeros", "I32", {16, 256}, 16ull * 256 * 4));
  ck.tensors.push_back(tensor("model.layers.0.input_layernorm.weight", "BF16", {2048}, 2048 * 2));
  ck.tensors.push_back(tensor("model.layers.28.mlp.down_proj.weight", "BF16", {2048, 6144}, 2048ull * 6144 * 2));
  const WeightsEstimate w = weights_from_checkpoint(c, ck, resolve_weight_precision("auto", c), "local_headers", "test");
  // Embedding once, the lm_head copy dropped; qweight = 2048 x 2048 parameters; scales/zeros are bytes only.
  CHECK(w.params == 151936ull * 2048 + 2048ull * 2048 + 2048);
  CHECK(w.bytes == 151936ull * 2048 * 2 + 256ull * 2048 * 4 + 16ull * 2048 * 2 + 16ull * 256 * 4 + 2048 * 2);
  CHECK(w.aux_bytes == 16ull * 2048 * 2 + 16ull * 256 * 4);
  bool tied_note = false, mtp_note = false;
  for (const auto& n : w.notes) {
    tied_note |= n.find("lm_head.weight") != std::string::npos;
    mtp_note |= n.find("multi-token prediction") != std::string::npos;
  }
  CHECK(tied_note);
  CHECK(mtp_note);
}

TEST_CASE("per-GPU shares: TP splits all but norms and routers; PP puts embedding first, lm_head last") {
  const ModelConfig c = catalog_config("qwen3-32b");  // untied, 64 layers, 8 KV heads
  const WeightsEstimate w = config_weights(c);
  const ParameterBreakdown p = count_parameters(c);
  // tp 2: everything but the replicated norms halves (vocab 151,936 is a multiple of 64 x 2).
  // (q_norm and k_norm, 128 each per layer, count as attention parameters)
  const std::uint64_t replicated = 2 * (p.norms + 64ull * 2 * 128);
  const auto tp2 = weight_bytes_per_stage(w, c, 2, 1, true);
  CHECK(tp2.at(0) == (w.bytes - replicated) / 2 + replicated);
  // pp 2: 32 layers each; the embedding on stage 0, the final norm and lm_head on stage 1.
  const auto pp2 = weight_bytes_per_stage(w, c, 1, 2, true);
  CHECK(pp2.at(0) + pp2.at(1) == w.bytes);
  CHECK(pp2.at(0) - 2 * p.embedding == pp2.at(1) - 2 * p.lm_head - 2 * c.hidden_size);
  // A tied model's last stage holds its own lm_head copy under vLLM.
  const ModelConfig t = catalog_config("qwen3-1.7b");
  const WeightsEstimate tw = config_weights(t);
  const auto tpp = weight_bytes_per_stage(tw, t, 1, 2, true);
  CHECK(tpp.at(0) + tpp.at(1) == tw.bytes + 2 * count_parameters(t).embedding);
}
