// Model by model: parameters against the counts their authors publish
// (catalog/models.json published_params, within 0.5%), KV cache bytes per
// token against the hand computation written next to each (exact), and the
// bf16 weight bytes (2 per parameter, exact). 21 models, 11 architectures.
#include "sizing/kv_cache.hpp"
#include "sizing/parameters.hpp"
#include "sizing_fixtures.hpp"
#include "util/units.hpp"

#include <set>

using namespace llmctl;
using namespace llmctl::test;

namespace {

struct ModelCase {
  const char* alias;
  std::uint64_t kv_bytes_per_token;  // hand computation in the comment beside it
};

// GQA: 2 (K,V) x layers x KV heads x head_dim x 2 bytes (bf16).
// MLA: layers x (kv_lora_rank + qk_rope_head_dim) x 2 bytes.
const ModelCase kCases[] = {
    {"qwen3-0.6b", 2ull * 28 * 8 * 128 * 2},      // 114,688
    {"qwen3-1.7b", 2ull * 28 * 8 * 128 * 2},      // 114,688
    {"qwen3-4b", 2ull * 36 * 8 * 128 * 2},        // 147,456
    {"qwen3-8b", 2ull * 36 * 8 * 128 * 2},        // 147,456
    {"qwen3-14b", 2ull * 40 * 8 * 128 * 2},       // 163,840
    {"qwen3-32b", 2ull * 64 * 8 * 128 * 2},       // 262,144
    {"qwen3-30b-a3b", 2ull * 48 * 4 * 128 * 2},   // 98,304 (MoE, 4 KV heads)
    {"qwen2.5-7b-instruct", 2ull * 28 * 4 * 128 * 2},  // 57,344
    {"llama-3.2-1b", 2ull * 16 * 8 * 64 * 2},     // 32,768 (head_dim 64)
    {"llama-3.2-3b", 2ull * 28 * 8 * 128 * 2},    // 114,688
    {"llama-3.1-8b", 2ull * 32 * 8 * 128 * 2},    // 131,072
    {"llama-3.1-70b", 2ull * 80 * 8 * 128 * 2},   // 327,680
    {"mistral-7b", 2ull * 32 * 8 * 128 * 2},      // 131,072
    {"mixtral-8x7b", 2ull * 32 * 8 * 128 * 2},    // 131,072
    {"gemma-2-9b", 2ull * 42 * 8 * 256 * 2},      // 344,064 (head_dim 256; 21 of 42 layers slide over 4096)
    {"gemma-3-4b", 2ull * 34 * 4 * 256 * 2},      // 139,264 (29 of 34 layers slide over 1024)
    {"gemma-3-27b", 2ull * 62 * 16 * 128 * 2},    // 507,904 (52 of 62 layers slide over 1024)
    {"gpt-oss-20b", 2ull * 24 * 8 * 64 * 2},      // 49,152 (12 of 24 layers slide over 128)
    {"gpt-oss-120b", 2ull * 36 * 8 * 64 * 2},     // 73,728
    {"phi-4", 2ull * 40 * 10 * 128 * 2},          // 204,800 (10 KV heads)
    {"deepseek-v3", 61ull * (512 + 64) * 2},      // 70,272 (MLA latent, no factor 2)
};

KvPrecision bf16_kv() { return KvPrecision{"bf16", 2, "test"}; }

}  // namespace

TEST_CASE("21 models of 11 architectures: parameters within 0.5% of published, KV bytes/token exact") {
  const Catalog catalog = Catalog::embedded();
  std::set<std::string> families;
  int with_published = 0;
  for (const ModelCase& m : kCases) {
    CAPTURE(m.alias);
    const CatalogEntry* entry = catalog.find(m.alias);
    REQUIRE(entry != nullptr);
    const ModelConfig c = catalog.config(*entry);
    families.insert(family_name(c.family));
    const ParameterBreakdown p = count_parameters(c);
    if (entry->published_params) {
      ++with_published;
      CHECK(near(static_cast<double>(p.total), static_cast<double>(*entry->published_params), 0.005));
    }
    CHECK(kv_cache_shape(c, bf16_kv()).bytes_per_token() == m.kv_bytes_per_token);
  }
  CHECK(with_published >= 12);
  CHECK(families.size() >= 6);
  MESSAGE(families.size() << " architectures, " << with_published << " models with a published count");
}

TEST_CASE("Qwen3-1.7B in full: 1.72B parameters, 1.41B non-embedding, 114,688 KV bytes per token") {
  const ModelConfig c = catalog_config("qwen3-1.7b");
  const ParameterBreakdown p = count_parameters(c);
  CHECK(p.total == 1720574976ULL);
  CHECK(format_count(p.total) == "1.72B");
  CHECK(p.non_embedding == 1409410048ULL);
  CHECK(format_count(p.non_embedding) == "1.41B");
  // 2 (K,V) x 28 layers x 8 KV heads x 128 head_dim x 2 bytes
  const KvCacheShape kv = kv_cache_shape(c, bf16_kv());
  CHECK(kv.per_layer_bytes_per_token == 2ull * 8 * 128 * 2);
  CHECK(kv.bytes_per_token() == 114688ULL);
  CHECK(kv.full_layers == 28);
  CHECK(kv.sliding_layers == 0);
  // bf16 weights: 2 bytes per parameter, the tied embedding once.
  const WeightsEstimate w = config_weights(c);
  CHECK(w.params == 1720574976ULL);
  CHECK(w.bytes == 2ULL * 1720574976ULL);
  CHECK(w.precision.name == "bf16");
  // At 8192 tokens, one sequence: 114,688 x 8,192 = 939,524,096 bytes (0.875 GiB).
  CHECK(kv_sequence_bytes(kv, 8192) == 939524096ULL);
  // The report: the default context is the model's maximum, 40,960 tokens.
  const SizeReport r = report_for("qwen3-1.7b", SizeInputs{});
  CHECK(r.context == 40960);
  CHECK(r.context_is_default);
  CHECK(r.estimate.kv == 114688ULL * 40960);
  CHECK(r.estimate.weights == 2ULL * 1720574976ULL);
}

TEST_CASE("the weight inventory adds up to count_parameters for every catalog model") {
  const Catalog catalog = Catalog::embedded();
  for (const auto& entry : catalog.entries()) {
    CAPTURE(entry.alias);
    const ModelConfig c = catalog.config(entry);
    const WeightsEstimate w = config_weights(c, "bf16");
    CHECK(w.params == count_parameters(c).total);
    CHECK(w.bytes == 2 * w.params);
  }
}

TEST_CASE("sliding-window layers are capped at the window; MLA and KV-head replication under TP") {
  // gemma-2-9b: 21 full + 21 sliding (4096) layers of 2 x 8 x 256 x 2 = 8,192 B.
  const ModelConfig g = catalog_config("gemma-2-9b");
  const KvCacheShape s = kv_cache_shape(g, bf16_kv());
  CHECK(s.full_layers == 21);
  CHECK(s.sliding_layers == 21);
  CHECK(s.window == 4096);
  CHECK(kv_sequence_bytes(s, 8192) == 8192ull * (21 * 8192 + 21 * 4096));
  CHECK(kv_sequence_bytes(s, 1000) == 8192ull * 42 * 1000);
  // gpt-oss-20b: 12 full + 12 sliding (128) layers of 2 x 8 x 64 x 2 = 2,048 B.
  const KvCacheShape o = kv_cache_shape(catalog_config("gpt-oss-20b"), bf16_kv());
  CHECK(kv_sequence_bytes(o, 131072) == 2048ull * (12 * 131072 + 12 * 128));
  // Qwen3-1.7B (8 KV heads): tp 2 keeps 4 heads per rank, tp 8 one, tp 16 one replica.
  const ModelConfig q = catalog_config("qwen3-1.7b");
  CHECK(kv_cache_shape(q, bf16_kv(), 2).bytes_per_token() == 2ull * 28 * 4 * 128 * 2);
  CHECK(kv_cache_shape(q, bf16_kv(), 8).bytes_per_token() == 2ull * 28 * 1 * 128 * 2);
  CHECK(kv_cache_shape(q, bf16_kv(), 16).bytes_per_token() == 2ull * 28 * 1 * 128 * 2);
  // DeepSeek-V3's latent is replicated: the same per rank at any TP.
  const ModelConfig d = catalog_config("deepseek-v3");
  CHECK(kv_cache_shape(d, bf16_kv(), 8).bytes_per_token() == 61ull * 576 * 2);
  // fp8 KV halves bf16.
  CHECK(kv_cache_shape(q, KvPrecision{"fp8", 1, "test"}).bytes_per_token() == 114688ULL / 2);
  // Pipeline stages: 28 layers over 3 stages are 9 + 10 + 9 (vLLM gives the remainder to the stage before the last).
  CHECK(kv_cache_shape(q, bf16_kv(), 1, 3, 0).layers() == 9);
  CHECK(kv_cache_shape(q, bf16_kv(), 1, 3, 1).layers() == 10);
  CHECK(kv_cache_shape(q, bf16_kv(), 1, 3, 2).layers() == 9);
}
