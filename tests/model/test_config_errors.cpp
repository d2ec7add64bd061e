// Malformed configs: every problem is an llmctl::Error naming the file, the
// field and what is wrong; never a crash or a silent default.
#include "model/config.hpp"

#include "model/config_fixtures.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace llmctl;
using llmctl::test::catch_error;
using llmctl::test::parse_error;

namespace {

bool contains(const std::string& text, const std::string& part) {
  const bool found = text.find(part) != std::string::npos;
  if (!found) MESSAGE("'" << part << "' not in: " << text);
  return found;
}

// A valid Llama config to break one field at a time.
Json llama() {
  return Json{{"architectures", Json::array({"LlamaForCausalLM"})},
              {"model_type", "llama"},
              {"hidden_size", 4096},
              {"num_hidden_layers", 32},
              {"num_attention_heads", 32},
              {"num_key_value_heads", 8},
              {"intermediate_size", 14336},
              {"vocab_size", 128256}};
}

Json with(Json config, const std::string& key, Json value) {
  config[key] = std::move(value);
  return config;
}

}  // namespace

TEST_CASE("invalid JSON names the file, line and column") {
  const auto path = llmctl::test::test_data() / "model" / "invalid-json" / "config.json";
  const auto e = catch_error([&] { load_model_config(path); });
  CHECK(contains(e.message, path.string()));
  CHECK(contains(e.message, "invalid JSON at line 4, column 27"));
  CHECK(e.code == ExitCode::runtime);
  CHECK_FALSE(e.hint.empty());
}

TEST_CASE("unreadable paths are reported, not crashed on") {
  const auto missing = llmctl::test::test_data() / "model" / "no-such" / "config.json";
  CHECK(contains(catch_error([&] { load_model_config(missing); }).message, "cannot read " + missing.string()));
  const auto dir = llmctl::test::test_data() / "model" / "tiny-llama";
  const auto e = catch_error([&] { load_model_config(dir); });
  CHECK(contains(e.message, "is a directory"));
  CHECK(contains(e.hint, "config.json"));
  CHECK(contains(catch_error([] { parse_json_text("", "empty.json"); }).message, "empty.json: invalid JSON at line 1"));
}

TEST_CASE("config.json must be an object") {
  CHECK(contains(parse_error(Json::array({1, 2})), "test.json: config.json must hold a JSON object, got an array"));
}

TEST_CASE("unknown architecture without the standard fields names what is missing") {
  const auto e = catch_error([] {
    parse_model_config(Json{{"architectures", Json::array({"BarModel"})}, {"model_type", "bar"}, {"hidden_size", 512},
                            {"vocab_size", 1000}},
                       "bar.json");
  });
  CHECK(contains(e.message, "bar.json: unknown architecture 'BarModel' (model_type 'bar')"));
  CHECK(contains(e.message, "num_hidden_layers, num_attention_heads, intermediate_size"));
  CHECK(e.message.find("hidden_size,") == std::string::npos);  // present: not listed
  CHECK(contains(e.hint, "Qwen3"));
}

TEST_CASE("wrong JSON types name the field and the value") {
  CHECK(contains(parse_error(with(llama(), "hidden_size", "4096")),
                 "test.json: field 'hidden_size' must be an integer, got string \"4096\""));
  CHECK(contains(parse_error(with(llama(), "tie_word_embeddings", "yes")),
                 "field 'tie_word_embeddings' must be true or false"));
  CHECK(contains(parse_error(with(llama(), "rope_theta", "1e6")), "field 'rope_theta' must be a number"));
  CHECK(contains(parse_error(with(llama(), "architectures", "LlamaForCausalLM")),
                 "field 'architectures' must be an array"));
  CHECK(contains(parse_error(with(llama(), "rope_scaling", Json::array())), "field 'rope_scaling' must be an object"));
  CHECK(contains(parse_error(with(llama(), "eos_token_id", Json::array({1, "two"}))),
                 "field 'eos_token_id[1]' must be an integer token id"));
}

TEST_CASE("negative, zero and fractional sizes are rejected") {
  CHECK(contains(parse_error(with(llama(), "num_hidden_layers", -2)),
                 "field 'num_hidden_layers' must not be negative, got -2"));
  CHECK(contains(parse_error(with(llama(), "num_hidden_layers", 0)),
                 "field 'num_hidden_layers' must be positive, got 0"));
  CHECK(contains(parse_error(with(llama(), "vocab_size", 0)), "field 'vocab_size' must be positive"));
  CHECK(contains(parse_error(with(llama(), "intermediate_size", 11008.5)),
                 "field 'intermediate_size' must be a whole number, got 11008.5"));
  CHECK(contains(parse_error(with(llama(), "head_dim", 0)), "field 'head_dim' must be positive"));
  // An integral float is fine (some exporters write 4096.0).
  CHECK(parse_model_config(with(llama(), "hidden_size", 4096.0), "t.json").hidden_size == 4096);
}

TEST_CASE("head and KV-head counts must be consistent") {
  CHECK(contains(parse_error(with(llama(), "num_key_value_heads", 5)),
                 "field 'num_key_value_heads' (5) does not divide num_attention_heads (32)"));
  CHECK(contains(parse_error(with(llama(), "num_attention_heads", 24)),
                 "field 'num_attention_heads' (24) does not divide hidden_size (4096) and head_dim is not given"));
  // With head_dim given, hidden_size need not be a multiple of the heads (Mistral-Nemo style).
  Json ok = with(llama(), "num_attention_heads", 24);
  ok["head_dim"] = 128;
  CHECK(parse_model_config(ok, "t.json").head_dim == 128);
}

TEST_CASE("layer_types must match the layers and use known kinds") {
  CHECK(contains(parse_error(with(llama(), "layer_types", Json::array({"full_attention"}))),
                 "field 'layer_types' has 1 entries but num_hidden_layers is 32"));
  Json bad = with(llama(), "num_hidden_layers", 2);
  bad["layer_types"] = Json::array({"full_attention", "chunked_attention"});
  CHECK(contains(parse_error(bad), "field 'layer_types[1]' is string \"chunked_attention\""));
  Json no_window = with(llama(), "num_hidden_layers", 2);
  no_window["layer_types"] = Json::array({"full_attention", "sliding_attention"});
  CHECK(contains(parse_error(no_window), "field 'sliding_window' must be a positive integer"));
}

TEST_CASE("rope_scaling problems name the nested field") {
  CHECK(contains(parse_error(with(llama(), "rope_scaling", Json{{"rope_type", "llama3"}, {"factor", 8.0}})),
                 "field 'rope_scaling.low_freq_factor' is required for rope_type 'llama3'"));
  CHECK(contains(parse_error(with(llama(), "rope_scaling", Json{{"type", "linear"}})),
                 "field 'rope_scaling.factor' is required for rope_type 'linear'"));
  CHECK(contains(parse_error(with(llama(), "rope_scaling", Json{{"type", "linear"}, {"factor", "8"}})),
                 "field 'rope_scaling.factor' must be a number"));
  CHECK(contains(parse_error(with(llama(), "rope_scaling", Json{{"type", "dynamic"}, {"factor", -1.0}})),
                 "field 'rope_scaling.factor' must be positive"));
}

TEST_CASE("MoE fields are validated") {
  const Json mixtral{{"model_type", "mixtral"}, {"num_local_experts", 8}, {"num_experts_per_tok", 9}};
  CHECK(contains(parse_error(mixtral), "field 'num_experts_per_tok' must be between 1 and 8 (num_local_experts), got 9"));
  CHECK(contains(parse_error(Json{{"model_type", "qwen3_moe"}, {"num_hidden_layers", 4},
                                  {"mlp_only_layers", Json::array({7})}}),
                 "field 'mlp_only_layers' lists layer 7 but the model has 4 layers"));
  Json generic{{"model_type", "foo"}, {"hidden_size", 64}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
               {"intermediate_size", 128}, {"vocab_size", 100}, {"num_local_experts", 4}};
  CHECK(contains(parse_error(generic), "declares experts but num_experts_per_tok is missing"));
}

TEST_CASE("errors inside text_config say so") {
  const Json config{{"model_type", "gemma3"},
                    {"architectures", Json::array({"Gemma3ForConditionalGeneration"})},
                    {"text_config", {{"model_type", "gemma3_text"}, {"hidden_size", -1}}}};
  CHECK(contains(parse_error(config), "field 'text_config.hidden_size' must not be negative, got -1"));
  CHECK(contains(parse_error(Json{{"model_type", "gemma3"}, {"text_config", "x"}}),
                 "field 'text_config' must be an object"));
  CHECK(contains(parse_error(Json{{"model_type", "gemma3"}, {"vision_config", {{"patch_size", 0}}}}),
                 "field 'vision_config.patch_size' must be positive"));
}

TEST_CASE("quantization_config needs a quant_method") {
  CHECK(contains(parse_error(with(llama(), "quantization_config", Json{{"bits", 4}})),
                 "field 'quantization_config.quant_method' is missing"));
  CHECK(contains(parse_error(with(llama(), "quantization_config",
                                  Json{{"quant_method", "fp8"}, {"weight_block_size", Json::array({128, "x"})}})),
                 "field 'quantization_config.weight_block_size[1]' must be an integer"));
}
