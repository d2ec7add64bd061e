// count_parameters against published counts (model cards, keras-hub presets,
// Hugging Face safetensors totals) and hand-derived breakdowns.
#include "sizing/parameters.hpp"

#include "model/catalog.hpp"
#include "model/config_fixtures.hpp"

#include <doctest/doctest.h>

using namespace llmctl;
using llmctl::test::fixture_config;
using llmctl::test::shared_config;

namespace {

ParameterBreakdown count(const std::string& org_and_name) { return count_parameters(shared_config(org_and_name)); }

// |a - b| <= tolerance * b.
bool within(std::uint64_t value, double published, double tolerance) {
  const double diff = static_cast<double>(value) - published;
  const bool ok = (diff < 0 ? -diff : diff) <= tolerance * published;
  if (!ok) MESSAGE(value << " vs published " << published);
  return ok;
}

}  // namespace

TEST_CASE("Qwen3 dense: exact published totals (shared/data/models/README.md)") {
  CHECK(count("Qwen__Qwen3-0.6B").total == 596049920ULL);
  CHECK(count("Qwen__Qwen3-1.7B").total == 1720574976ULL);
  CHECK(count("Qwen__Qwen3-4B").total == 4022468096ULL);
  CHECK(count("Qwen__Qwen3-8B").total == 8190735360ULL);
  CHECK(count("Qwen__Qwen3-14B").total == 14768307200ULL);
  CHECK(count("Qwen__Qwen3-32B").total == 32762123264ULL);
}

TEST_CASE("Qwen3-1.7B: component breakdown and non-embedding") {
  const ParameterBreakdown p = count("Qwen__Qwen3-1.7B");
  CHECK(p.embedding == 151936ULL * 2048);                          // 311,164,928
  CHECK(p.lm_head == 0);                                           // tied
  // Per layer: q 2048x2048, k/v 2048x1024, o 2048x2048, q/k norms 2x128.
  CHECK(p.attention == 28ULL * (2 * 2048 * 2048 + 2 * 2048 * 1024 + 2 * 128));
  CHECK(p.mlp == 28ULL * 3 * 2048 * 6144);
  CHECK(p.norms == 28ULL * 2 * 2048 + 2048);
  CHECK(p.moe_experts == 0);
  CHECK(p.total == 1720574976ULL);
  // 1,720,574,976 - 311,164,928 = 1,409,410,048: the card's "1.4B" non-embedding.
  CHECK(p.non_embedding == 1720574976ULL - 151936ULL * 2048);
  CHECK(p.non_embedding == 1409410048ULL);
  CHECK(p.active == p.total);
}

TEST_CASE("Qwen3 non-embedding counts match the model cards (embedding and untied lm_head removed)") {
  CHECK(within(count("Qwen__Qwen3-0.6B").non_embedding, 0.44e9, 0.01));
  CHECK(within(count("Qwen__Qwen3-4B").non_embedding, 3.6e9, 0.01));
  CHECK(within(count("Qwen__Qwen3-8B").non_embedding, 6.95e9, 0.005));
  CHECK(within(count("Qwen__Qwen3-14B").non_embedding, 13.2e9, 0.005));
  CHECK(within(count("Qwen__Qwen3-32B").non_embedding, 31.2e9, 0.005));
  CHECK(within(count("Qwen__Qwen3-30B-A3B").non_embedding, 29.9e9, 0.005));
}

TEST_CASE("Qwen3-30B-A3B: exact total and active") {
  const ParameterBreakdown p = count("Qwen__Qwen3-30B-A3B");
  CHECK(p.total == 30532122624ULL);
  CHECK(p.active == 3353032704ULL);
  CHECK(p.moe_experts == 48ULL * 128 * 3 * 2048 * 768);
  CHECK(p.moe_router == 48ULL * 2048 * 128);
  CHECK(p.moe_shared == 0);
  CHECK(p.mlp == 0);
  // active = total - 120 of 128 experts in each of 48 layers.
  CHECK(p.total - p.active == 48ULL * 120 * 3 * 2048 * 768);
}

TEST_CASE("Llama and Qwen2.5: exact totals") {
  CHECK(count("meta-llama__Llama-3.1-8B").total == 8030261248ULL);
  CHECK(count("meta-llama__Llama-3.1-8B-Instruct").total == 8030261248ULL);
  CHECK(count("meta-llama__Llama-3.2-1B").total == 1235814400ULL);  // tied: embedding counted once
  CHECK(count("meta-llama__Llama-3.2-3B").total == 3212749824ULL);
  const ParameterBreakdown qwen25 = count("Qwen__Qwen2.5-7B");
  CHECK(qwen25.total == 7615616512ULL);  // model card 7.61B
  CHECK(within(qwen25.non_embedding, 6.53e9, 0.005));
  // Qwen2 q/k/v biases: 3584 + 2 * 512 per layer.
  CHECK(qwen25.attention == 28ULL * (3584 * 3584 * 2 + 2 * 3584 * 512 + 3584 + 2 * 512));
}

TEST_CASE("phi-4: fused projections count like separate ones") {
  const ParameterBreakdown p = count("microsoft__phi-4");
  CHECK(p.total == 14659507200ULL);
  CHECK(p.attention == 40ULL * (5120 * (5120 + 2 * 1280) + 5120 * 5120));
}

TEST_CASE("DeepSeek-V3: 671B main model, MTP module counted apart") {
  const ParameterBreakdown p = count("deepseek-ai__DeepSeek-V3");
  CHECK(p.total == 671026419200ULL);
  CHECK(within(p.total, 671e9, 0.005));
  // The Hub's 685B includes the MTP module (671B + 14B).
  CHECK(within(p.total + p.mtp, 685e9, 0.005));
  CHECK(p.mtp == 13463426304ULL);
  // "37B activated": the report rounds; our count is 37.55B incl. embedding and lm_head.
  CHECK(p.active == 37552297472ULL);
  CHECK(within(p.active, 37e9, 0.02));
  // MLA per layer: q_a 7168x1536, q_a_norm 1536, q_b 1536x(128x192), kv_a 7168x576,
  // kv_a_norm 512, kv_b 512x(128x256), o 16384x7168.
  const std::uint64_t mla = 7168ULL * 1536 + 1536 + 1536ULL * 128 * 192 + 7168ULL * 576 + 512 +
                            512ULL * 128 * 256 + 128ULL * 128 * 7168;
  CHECK(p.attention == 61 * mla);
  CHECK(p.mlp == 3 * 3ULL * 7168 * 18432);                // first_k_dense_replace = 3
  CHECK(p.moe_shared == 58 * 3ULL * 7168 * 2048);         // one shared expert per MoE layer
  CHECK(p.moe_router == 58 * (7168ULL * 256 + 256));      // gate + e_score_correction_bias
}

TEST_CASE("gpt-oss: totals match the model card; OpenAI's active excludes the input embedding") {
  const ParameterBreakdown big = count("openai__gpt-oss-120b");
  CHECK(big.total == 116829156672ULL);  // model card 116.83B
  CHECK(within(big.active - big.embedding, 5.13e9, 0.005));
  // Router Linear with bias, 128 experts; sinks: 64 per layer.
  CHECK(big.moe_router == 36ULL * (2880 * 128 + 128));
  const Catalog catalog = Catalog::embedded();
  const CatalogEntry* entry = catalog.find("gpt-oss-20b");
  REQUIRE(entry != nullptr);
  const ParameterBreakdown small = count_parameters(catalog.config(*entry));
  CHECK(small.total == 20914757184ULL);  // model card 20.91B
  CHECK(within(small.active - small.embedding, 3.61e9, 0.005));
  // One expert: gate_up 2880x5760 + bias 5760, down 2880x2880 + bias 2880.
  CHECK(small.moe_experts == 24ULL * 32 * (2880 * 5760 + 5760 + 2880 * 2880 + 2880));
}

TEST_CASE("gemma-3-4b-it: text decoder plus SigLIP tower and projector") {
  const ParameterBreakdown p = count("google__gemma-3-4b-it");
  CHECK(p.total == 4300079472ULL);  // HF safetensors total
  CHECK(p.total - p.vision == 3880263168ULL);
  // Four norms per layer + q/k norms of 256.
  CHECK(p.norms == 34ULL * 4 * 2560 + 2560);
  CHECK(p.lm_head == 0);
}

TEST_CASE("Gemma3Config without vision_config: the default SigLIP tower, pooling head included") {
  const ModelConfig c = parse_model_config(Json{{"model_type", "gemma3"}, {"text_config", Json::object()}}, "g.json");
  REQUIRE(c.vision);
  CHECK(c.vision->use_head);
  // SiglipVisionModel base-patch16-224: 92,884,224 (85,797,120 without the pooling head),
  // plus the projector 768 x 2304 and its 768-wide RMSNorm.
  CHECK(count_parameters(c).vision == 92884224ULL + 768ULL * 2304 + 768);
}

TEST_CASE("Gemma 2 defaults give gemma-2-2b's published 2,614,341,888") {
  const ModelConfig c = parse_model_config(Json{{"model_type", "gemma2"}}, "gemma2.json");
  CHECK(count_parameters(c).total == 2614341888ULL);
}

TEST_CASE("small fixtures, derived by hand") {
  // tiny-llama: H 64, 2 layers, 4 heads of 16, 2 KV heads, I 160, V 1000, untied.
  const ParameterBreakdown llama = count_parameters(fixture_config("tiny-llama/config.json"));
  CHECK(llama.attention == 2ULL * (64 * 64 + 2 * 64 * 32 + 64 * 64));
  CHECK(llama.total == 2ULL * (12288 + 3 * 64 * 160 + 2 * 64) + 64 + 2ULL * 1000 * 64);  // 214,336
  // generic-decoder: H 256, 4 layers, 8 heads (= KV heads), I 688, V 5000, tied.
  const ParameterBreakdown generic = count_parameters(fixture_config("generic-decoder/config.json"));
  CHECK(generic.total == 4ULL * (4 * 256 * 256 + 3 * 256 * 688 + 2 * 256) + 256 + 5000ULL * 256);
  CHECK(generic.lm_head == 0);
}

TEST_CASE("biases, MLA without q_lora_rank, and Mixtral-style generic MoE") {
  const Json llama{{"model_type", "llama"}, {"hidden_size", 64}, {"num_hidden_layers", 1}, {"num_attention_heads", 4},
                   {"num_key_value_heads", 2}, {"intermediate_size", 100}, {"vocab_size", 10},
                   {"attention_bias", true}, {"mlp_bias", true}, {"tie_word_embeddings", true}};
  const ParameterBreakdown b = count_parameters(parse_model_config(llama, "b.json"));
  CHECK(b.attention == (64 * 64 + 2 * 64 * 32 + 64 * 64) + (64 + 2 * 32) + 64);
  CHECK(b.mlp == 3 * 64 * 100 + 2 * 100 + 64);

  const Json lite{{"model_type", "deepseek_v3"}, {"hidden_size", 64}, {"num_hidden_layers", 2},
                  {"num_attention_heads", 2}, {"intermediate_size", 96}, {"vocab_size", 10},
                  {"q_lora_rank", nullptr}, {"kv_lora_rank", 16}, {"qk_nope_head_dim", 8}, {"qk_rope_head_dim", 4},
                  {"v_head_dim", 8}, {"first_k_dense_replace", 1}, {"n_routed_experts", 4},
                  {"num_experts_per_tok", 2}, {"moe_intermediate_size", 32}, {"n_shared_experts", 2},
                  {"topk_method", "greedy"}, {"num_nextn_predict_layers", 0}};
  const ParameterBreakdown d = count_parameters(parse_model_config(lite, "lite.json"));
  // q_proj 64x(2x12), kv_a 64x20 + norm 16, kv_b 16x(2x16), o 16x64.
  CHECK(d.attention == 2ULL * (64 * 24 + 64 * 20 + 16 + 16 * 32 + 16 * 64));
  CHECK(d.moe_router == 64ULL * 4);                 // greedy routing: no correction bias
  CHECK(d.moe_shared == 3ULL * 64 * (2 * 32));      // two shared experts as one MLP
  CHECK(d.total - d.active == 2ULL * 3 * 64 * 32);  // 2 of 4 experts idle in the one MoE layer
  CHECK(d.mtp == 0);

  const Json moe{{"model_type", "foo"}, {"hidden_size", 32}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
                 {"intermediate_size", 64}, {"vocab_size", 10}, {"num_local_experts", 4},
                 {"num_experts_per_tok", 1}};
  const ParameterBreakdown g = count_parameters(parse_model_config(moe, "moe.json"));
  CHECK(g.moe_experts == 2ULL * 4 * 3 * 32 * 64);
  CHECK(g.total - g.active == 2ULL * 3 * 3 * 32 * 64);
}

TEST_CASE("every catalog model is within 0.5% of its published count") {
  const Catalog catalog = Catalog::embedded();
  for (const auto& entry : catalog.entries()) {
    CAPTURE(entry.alias);
    const ParameterBreakdown p = count_parameters(catalog.config(entry));
    if (entry.published_params) CHECK(within(p.total, static_cast<double>(*entry.published_params), 0.005));
    if (entry.published_active_params)
      CHECK(within(p.active, static_cast<double>(*entry.published_active_params), 0.005));
  }
}

TEST_CASE("parameters_to_json uses stable names and exact integers") {
  const Json j = parameters_to_json(count("Qwen__Qwen3-30B-A3B"));
  CHECK(j["total"] == 30532122624ULL);
  CHECK(j["active"] == 3353032704ULL);
  for (const char* key : {"non_embedding", "embedding", "attention", "mlp", "moe_experts", "moe_router", "moe_shared",
                          "norms", "lm_head", "vision", "mtp"}) {
    CAPTURE(key);
    CHECK(j.contains(key));
  }
}
