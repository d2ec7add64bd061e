// The built-in catalog: every embedded entry parses, lookups are
// case-insensitive, misses get suggestions, and malformed models.json fails loudly.
#include "model/catalog.hpp"

#include "model/config_fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

using namespace llmctl;
using llmctl::test::catch_error;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A two-entry catalog whose configs come from a map.
Catalog small_catalog(std::map<std::string, std::string> files) {
  const Json models = Json::array(
      {Json{{"alias", "tiny"}, {"hf_id", "test/Tiny"}, {"config", "test__Tiny/config.json"}},
       Json{{"alias", "qwen3-1.7b"}, {"hf_id", "Qwen/Qwen3-1.7B"}, {"config", "Qwen__Qwen3-1.7B/config.json"},
            {"published_params", 1720574976}}});
  return Catalog::from_json(models, [files](const std::string& path) -> std::optional<std::string> {
    if (auto it = files.find(path); it != files.end()) return it->second;
    return std::nullopt;
  });
}

}  // namespace

TEST_CASE("embedded catalog: every entry parses, aliases are unique") {
  const Catalog catalog = Catalog::embedded();
  REQUIRE_FALSE(catalog.entries().empty());
  std::set<std::string> aliases;
  for (const auto& entry : catalog.entries()) {
    CAPTURE(entry.alias);
    CHECK(aliases.insert(lower(entry.alias)).second);
    CHECK(entry.hf_id.find('/') != std::string::npos);
    CHECK_FALSE(entry.config_path.empty());
    const ModelConfig config = catalog.config(entry);
    CHECK(config.num_hidden_layers > 0);
    CHECK(config.layers.size() == config.num_hidden_layers);
    CHECK(config.family != ModelFamily::generic);  // every catalog model is modelled exactly
    CHECK(catalog.find(entry.alias) != nullptr);
    CHECK(catalog.find(entry.hf_id) != nullptr);
  }
  CHECK(catalog.aliases().size() == catalog.entries().size());
}

TEST_CASE("embedded catalog: qwen3-1.7b field by field") {
  const Catalog catalog = Catalog::embedded();
  const CatalogEntry* entry = catalog.find("qwen3-1.7b");
  REQUIRE(entry != nullptr);
  CHECK(entry->hf_id == "Qwen/Qwen3-1.7B");
  CHECK(entry->published_params == 1720574976);
  const ModelConfig c = catalog.config(*entry);
  CHECK(c.hidden_size == 2048);
  CHECK(c.num_hidden_layers == 28);
  CHECK(c.num_attention_heads == 16);
  CHECK(c.num_key_value_heads == 8);
  CHECK(c.head_dim == 128);
  CHECK(c.intermediate_size == 6144);
  CHECK(c.vocab_size == 151936);
  CHECK(c.tie_word_embeddings);
  CHECK(c.max_position_embeddings == 40960);
  CHECK(c.rope_theta == doctest::Approx(1e6));
  CHECK(c.rms_norm_eps == doctest::Approx(1e-6));
}

TEST_CASE("embedded catalog: other families") {
  const Catalog catalog = Catalog::embedded();
  auto config = [&](const char* alias) {
    const CatalogEntry* entry = catalog.find(alias);
    REQUIRE_MESSAGE(entry != nullptr, "catalog lacks ", alias);
    return catalog.config(*entry);
  };
  SUBCASE("qwen3-30b-a3b") {
    const ModelConfig c = config("qwen3-30b-a3b");
    REQUIRE(c.moe);
    CHECK(c.moe->num_experts == 128);
    CHECK(c.moe->experts_per_token == 8);
    CHECK(c.moe->expert_intermediate_size == 768);
  }
  SUBCASE("llama-3.1-8b") {
    const ModelConfig c = config("llama-3.1-8b");
    REQUIRE(c.rope_scaling);
    CHECK(c.rope_scaling->type == "llama3");
    CHECK(c.rope_scaling->factor == doctest::Approx(8.0));
  }
  SUBCASE("deepseek-v3") {
    const ModelConfig c = config("deepseek-v3");
    REQUIRE(c.mla);
    CHECK(c.mla->kv_lora_rank == 512);
    CHECK(c.mla->qk_rope_head_dim == 64);
    CHECK(c.mtp_layers == 1);
  }
  SUBCASE("gemma-3-27b") {
    const ModelConfig c = config("gemma-3-27b");
    CHECK(c.family == ModelFamily::gemma3);
    CHECK(c.hidden_size == 5376);
    CHECK(c.num_hidden_layers == 62);
    CHECK(c.num_attention_heads == 32);
    CHECK(c.num_key_value_heads == 16);
    CHECK(c.head_dim == 128);
    CHECK(c.query_pre_attn_scalar == doctest::Approx(168.0));
    CHECK(c.sliding_window == 1024);
    CHECK(c.num_hidden_layers - c.sliding_layer_count() == 10);  // layers 5, 11, ..., 59
  }
  SUBCASE("gemma-3-4b") {
    const ModelConfig c = config("gemma-3-4b");
    CHECK(c.num_attention_heads == 8);
    CHECK(c.vocab_size == 262208);
    CHECK(c.sliding_layer_count() == 29);
  }
  SUBCASE("gemma-2-9b") {
    const ModelConfig c = config("gemma-2-9b");
    CHECK(c.family == ModelFamily::gemma2);
    CHECK(c.sliding_layer_count() == c.num_hidden_layers / 2);
    CHECK(c.attn_logit_softcapping == doctest::Approx(50.0));
  }
  SUBCASE("gpt-oss-20b") {
    const ModelConfig c = config("gpt-oss-20b");
    CHECK(c.num_hidden_layers == 24);
    CHECK(c.sliding_layer_count() == 12);
    CHECK(c.layers[0].kind == AttentionKind::sliding);
    REQUIRE(c.moe);
    CHECK(c.moe->num_experts == 32);
    CHECK(c.moe->experts_per_token == 4);
  }
  SUBCASE("phi-4") {
    const ModelConfig c = config("phi-4");
    CHECK(c.family == ModelFamily::phi3);
    CHECK(c.num_key_value_heads == 10);
  }
  SUBCASE("mixtral-8x7b") {
    const ModelConfig c = config("mixtral-8x7b");
    CHECK(c.family == ModelFamily::mixtral);
    REQUIRE(c.moe);
    CHECK(c.moe->num_experts == 8);
    CHECK(c.moe->experts_per_token == 2);
    CHECK(c.moe->expert_intermediate_size == 14336);
    CHECK(c.rope_theta == doctest::Approx(1e6));
  }
  SUBCASE("mistral-7b") {
    const ModelConfig c = config("mistral-7b");
    CHECK(c.family == ModelFamily::mistral);
    CHECK(c.vocab_size == 32768);
    CHECK_FALSE(c.sliding_window);
  }
}

TEST_CASE("find is case-insensitive on aliases and HF ids") {
  const Catalog catalog = small_catalog({});
  CHECK(catalog.find("QWEN3-1.7B") == catalog.find("qwen3-1.7b"));
  REQUIRE(catalog.find("qwen/qwen3-1.7b") != nullptr);
  CHECK(catalog.find("qwen/qwen3-1.7b")->alias == "qwen3-1.7b");
  CHECK(catalog.find("qwen3") == nullptr);
  CHECK(catalog.aliases() == std::vector<std::string>{"tiny", "qwen3-1.7b"});
}

TEST_CASE("suggest offers close aliases") {
  const Catalog catalog = Catalog::embedded();
  const auto typo = catalog.suggest("qwen3-17b");
  REQUIRE_FALSE(typo.empty());
  CHECK(typo.front() == "qwen3-1.7b");
  const auto prefix = catalog.suggest("gemma");
  CHECK(std::find(prefix.begin(), prefix.end(), "gemma-3-4b") != prefix.end());
  CHECK(catalog.suggest("Qwen/Qwen3-8").front() == "qwen3-8b");
  CHECK(catalog.suggest("zzzzzzzzzzzz").empty());
  CHECK(catalog.suggest("qwen3").size() <= 5);
}

TEST_CASE("config() reads through the injected reader") {
  const std::string tiny = R"({"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2,
      "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})";
  const Catalog catalog = small_catalog({{"test__Tiny/config.json", tiny}, {"Qwen__Qwen3-1.7B/config.json", "{"}});
  CHECK(catalog.config(*catalog.find("tiny")).hidden_size == 64);
  const auto broken = catch_error([&] { catalog.config(*catalog.find("qwen3-1.7b")); });
  CHECK(broken.message.find("built-in catalog configs/Qwen__Qwen3-1.7B/config.json: invalid JSON") == 0);
  const Catalog empty = small_catalog({});
  CHECK(catch_error([&] { empty.config(*empty.find("tiny")); }).message.find("is missing") != std::string::npos);
}

TEST_CASE("malformed models.json is rejected with the entry index") {
  auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  CHECK(catch_error([&] { Catalog::from_json(Json::object(), none); }).message.find("JSON array") != std::string::npos);
  CHECK(catch_error([&] { Catalog::from_json(Json::array({Json{{"alias", "x"}}}), none); })
            .message.find("entry 0: 'hf_id' must be a non-empty string") != std::string::npos);
  const Json twice = Json::array({Json{{"alias", "a"}, {"hf_id", "o/A"}, {"config", "a.json"}},
                                  Json{{"alias", "A"}, {"hf_id", "o/B"}, {"config", "b.json"}}});
  CHECK(catch_error([&] { Catalog::from_json(twice, none); }).message.find("entry 1: alias 'A' is used twice") !=
        std::string::npos);
  const Json shadow = Json::array({Json{{"alias", "o/B"}, {"hf_id", "o/A"}, {"config", "a.json"}},
                                   Json{{"alias", "b"}, {"hf_id", "o/B"}, {"config", "b.json"}}});
  CHECK(catch_error([&] { Catalog::from_json(shadow, none); }).message.find("is the HF id of another entry") !=
        std::string::npos);
  const Json negative = Json::array({Json{{"alias", "a"}, {"hf_id", "o/A"}, {"config", "a.json"},
                                          {"published_params", -5}}});
  CHECK(catch_error([&] { Catalog::from_json(negative, none); }).message.find("published_params") != std::string::npos);
  // Two aliases for one HF id are allowed; find(id) returns the first.
  const Json shared = Json::array({Json{{"alias", "a"}, {"hf_id", "o/A"}, {"config", "a.json"}},
                                   Json{{"alias", "a-instruct"}, {"hf_id", "o/A"}, {"config", "a.json"}}});
  CHECK(Catalog::from_json(shared, none).find("o/A")->alias == "a");
}
