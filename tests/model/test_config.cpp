// parse_model_config on real published configs (shared/data/models) and on
// sparse configs that must take transformers' class defaults.
#include "model/config.hpp"

#include "model/config_fixtures.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace llmctl;
using llmctl::test::shared_config;

namespace {

std::uint64_t count_kind(const ModelConfig& c, AttentionKind kind) {
  return static_cast<std::uint64_t>(
      std::count_if(c.layers.begin(), c.layers.end(), [&](const LayerAttention& l) { return l.kind == kind; }));
}

}  // namespace

TEST_CASE("Qwen3-1.7B: every decoder field") {
  const ModelConfig c = shared_config("Qwen__Qwen3-1.7B");
  CHECK(c.architecture == "Qwen3ForCausalLM");
  CHECK(c.model_type == "qwen3");
  CHECK(c.family == ModelFamily::qwen3);
  CHECK_FALSE(c.multimodal);
  CHECK(c.hidden_size == 2048);
  CHECK(c.num_hidden_layers == 28);
  CHECK(c.num_attention_heads == 16);
  CHECK(c.num_key_value_heads == 8);
  CHECK(c.head_dim == 128);  // explicit: not 2048 / 16 = 128 by coincidence only
  CHECK(c.intermediate_size == 6144);
  CHECK(c.vocab_size == 151936);
  CHECK(c.tie_word_embeddings);
  CHECK(c.max_position_embeddings == 40960);
  CHECK(c.rope_theta == doctest::Approx(1e6));
  CHECK_FALSE(c.rope_scaling);
  CHECK(c.rms_norm_eps == doctest::Approx(1e-6));
  CHECK(c.torch_dtype == "bfloat16");
  CHECK(c.hidden_act == "silu");
  CHECK(c.qk_norm);
  CHECK_FALSE(c.attention_bias);
  CHECK_FALSE(c.mlp_bias);
  // use_sliding_window is false: every layer attends to the full context.
  CHECK_FALSE(c.sliding_window);
  REQUIRE(c.layers.size() == 28);
  CHECK(c.sliding_layer_count() == 0);
  CHECK_FALSE(c.moe);
  CHECK_FALSE(c.mla);
  CHECK_FALSE(c.quantization);
  CHECK(c.bos_token_id == 151643);
  CHECK(c.eos_token_ids == std::vector<std::int64_t>{151645});
  CHECK(c.notes.empty());
}

TEST_CASE("Qwen3-8B and Qwen3-32B: untied, explicit head_dim") {
  const ModelConfig c8 = shared_config("Qwen__Qwen3-8B");
  CHECK(c8.hidden_size == 4096);
  CHECK(c8.num_hidden_layers == 36);
  CHECK(c8.num_attention_heads == 32);
  CHECK(c8.num_key_value_heads == 8);
  CHECK(c8.head_dim == 128);
  CHECK_FALSE(c8.tie_word_embeddings);
  const ModelConfig c32 = shared_config("Qwen__Qwen3-32B");
  CHECK(c32.hidden_size == 5120);
  CHECK(c32.num_attention_heads == 64);
  CHECK(c32.head_dim == 128);  // 5120 / 64 would be 80: head_dim must come from the config
  CHECK(c32.intermediate_size == 25600);
}

TEST_CASE("Qwen3-30B-A3B: MoE fields") {
  const ModelConfig c = shared_config("Qwen__Qwen3-30B-A3B");
  CHECK(c.family == ModelFamily::qwen3_moe);
  CHECK(c.num_key_value_heads == 4);
  CHECK(c.head_dim == 128);
  REQUIRE(c.moe);
  CHECK(c.moe->num_experts == 128);
  CHECK(c.moe->experts_per_token == 8);
  CHECK(c.moe->expert_intermediate_size == 768);
  CHECK(c.moe->num_shared_experts == 0);
  CHECK(c.moe->norm_topk_prob);
  CHECK(std::count(c.moe->layers.begin(), c.moe->layers.end(), true) == 48);
  CHECK(c.is_moe_layer(0));
  CHECK_FALSE(c.moe->router_bias);
  CHECK(c.qk_norm);
}

TEST_CASE("Qwen2.5-7B: q/k/v biases without an attention_bias field, sliding window off") {
  const ModelConfig c = shared_config("Qwen__Qwen2.5-7B");
  CHECK(c.family == ModelFamily::qwen2);
  CHECK(c.attention_bias);
  CHECK_FALSE(c.attention_output_bias);
  CHECK_FALSE(c.qk_norm);
  CHECK(c.head_dim == 128);  // 3584 / 28
  CHECK(c.num_key_value_heads == 4);
  CHECK(c.vocab_size == 152064);
  // sliding_window 131072 is written but use_sliding_window is false.
  CHECK_FALSE(c.sliding_window);
  CHECK(c.sliding_layer_count() == 0);
}

TEST_CASE("Llama-3.1-8B: llama3 rope scaling") {
  const ModelConfig c = shared_config("meta-llama__Llama-3.1-8B");
  CHECK(c.family == ModelFamily::llama);
  CHECK(c.head_dim == 128);
  CHECK(c.max_position_embeddings == 131072);
  CHECK(c.rope_theta == doctest::Approx(500000.0));
  REQUIRE(c.rope_scaling);
  CHECK(c.rope_scaling->type == "llama3");
  CHECK(c.rope_scaling->factor == doctest::Approx(8.0));
  CHECK(c.rope_scaling->low_freq_factor == doctest::Approx(1.0));
  CHECK(c.rope_scaling->high_freq_factor == doctest::Approx(4.0));
  CHECK(c.rope_scaling->original_max_position_embeddings == 8192);
  CHECK_FALSE(c.mlp_bias);
  CHECK(c.rms_norm_eps == doctest::Approx(1e-5));
  CHECK(c.eos_token_ids == std::vector<std::int64_t>{128001});
}

TEST_CASE("Llama-3.2-1B-Instruct: explicit head_dim 64, tied, eos list") {
  const ModelConfig c = shared_config("meta-llama__Llama-3.2-1B-Instruct");
  CHECK(c.hidden_size == 2048);
  CHECK(c.num_attention_heads == 32);
  CHECK(c.head_dim == 64);
  CHECK(c.tie_word_embeddings);
  REQUIRE(c.rope_scaling);
  CHECK(c.rope_scaling->factor == doctest::Approx(32.0));
  CHECK(c.eos_token_ids.size() == 3);
}

TEST_CASE("DeepSeek-V3: MLA, MoE with shared expert, fp8 blocks, MTP") {
  const ModelConfig c = shared_config("deepseek-ai__DeepSeek-V3");
  CHECK(c.family == ModelFamily::deepseek_v3);
  REQUIRE(c.mla);
  CHECK(c.mla->q_lora_rank == 1536);
  CHECK(c.mla->kv_lora_rank == 512);
  CHECK(c.mla->qk_nope_head_dim == 128);
  CHECK(c.mla->qk_rope_head_dim == 64);
  CHECK(c.mla->v_head_dim == 128);
  CHECK(c.head_dim == 192);
  REQUIRE(c.moe);
  CHECK(c.moe->num_experts == 256);
  CHECK(c.moe->num_shared_experts == 1);
  CHECK(c.moe->experts_per_token == 8);
  CHECK(c.moe->expert_intermediate_size == 2048);
  CHECK(c.moe->first_k_dense_replace == 3);
  CHECK(c.moe->layer_freq == 1);
  CHECK(c.moe->score_correction_bias);
  CHECK(c.moe->scoring_func == "sigmoid");
  CHECK(c.moe->routed_scaling_factor == doctest::Approx(2.5));
  CHECK_FALSE(c.is_moe_layer(2));
  CHECK(c.is_moe_layer(3));
  CHECK(c.is_moe_layer(60));
  CHECK(c.mtp_layers == 1);
  REQUIRE(c.quantization);
  CHECK(c.quantization->quant_method == "fp8");
  CHECK(c.quantization->fmt == "e4m3");
  CHECK(c.quantization->bits == 8);
  CHECK(c.quantization->weight_block_size == std::vector<std::uint64_t>{128, 128});
  REQUIRE(c.rope_scaling);
  CHECK(c.rope_scaling->type == "yarn");  // legacy "type" key
  CHECK(c.rope_scaling->factor == doctest::Approx(40.0));
  CHECK(c.rope_scaling->mscale_all_dim == doctest::Approx(1.0));
  CHECK(c.max_position_embeddings == 163840);
}

TEST_CASE("gemma-3-4b-it: sparse text_config takes Gemma3TextConfig defaults") {
  const ModelConfig c = shared_config("google__gemma-3-4b-it");
  CHECK(c.architecture == "Gemma3ForConditionalGeneration");
  CHECK(c.model_type == "gemma3");
  CHECK(c.family == ModelFamily::gemma3);
  CHECK(c.multimodal);
  // From text_config:
  CHECK(c.hidden_size == 2560);
  CHECK(c.num_hidden_layers == 34);
  CHECK(c.intermediate_size == 10240);
  CHECK(c.sliding_window == 1024);
  // Not in the file: Gemma3TextConfig defaults.
  CHECK(c.num_attention_heads == 8);
  CHECK(c.num_key_value_heads == 4);
  CHECK(c.head_dim == 256);
  CHECK(c.vocab_size == 262208);
  CHECK(c.rope_theta == doctest::Approx(1e6));
  CHECK(c.rope_local_base_freq == doctest::Approx(10000.0));
  CHECK(c.query_pre_attn_scalar == doctest::Approx(256.0));
  CHECK(c.rms_norm_eps == doctest::Approx(1e-6));
  CHECK(c.max_position_embeddings == 131072);
  CHECK(c.tie_word_embeddings);
  CHECK(c.hidden_act == "gelu_pytorch_tanh");
  CHECK_FALSE(c.attn_logit_softcapping);
  CHECK_FALSE(c.final_logit_softcapping);
  CHECK(c.qk_norm);
  CHECK(c.pre_post_feedforward_norms);
  // The top level supplies dtype and eos ids.
  CHECK(c.torch_dtype == "bfloat16");
  CHECK(c.eos_token_ids == std::vector<std::int64_t>{1, 106});
  REQUIRE(c.rope_scaling);
  CHECK(c.rope_scaling->type == "linear");
  CHECK(c.rope_scaling->factor == doctest::Approx(8.0));
  // sliding_window_pattern 6: layers 5, 11, 17, 23, 29 are global.
  REQUIRE(c.layers.size() == 34);
  CHECK(count_kind(c, AttentionKind::full) == 5);
  for (std::uint64_t i = 0; i < 34; ++i) {
    CAPTURE(i);
    CHECK((c.layers[i].kind == AttentionKind::full) == ((i + 1) % 6 == 0));
    if (c.layers[i].kind == AttentionKind::sliding) CHECK(c.layers[i].window == 1024);
  }
  REQUIRE(c.vision);
  CHECK(c.vision->counted);
  CHECK(c.vision->hidden_size == 1152);
  CHECK(c.vision->num_hidden_layers == 27);
  CHECK(c.vision->patch_size == 14);
  CHECK(c.vision->image_size == 896);
  CHECK_FALSE(c.vision->use_head);
  CHECK(c.vision->mm_tokens_per_image == 256);
}

TEST_CASE("gpt-oss-120b: alternating sliding/full layers, sinks, mxfp4") {
  const ModelConfig c = shared_config("openai__gpt-oss-120b");
  CHECK(c.family == ModelFamily::gpt_oss);
  CHECK(c.head_dim == 64);
  CHECK(c.num_key_value_heads == 8);
  CHECK(c.attention_bias);
  CHECK(c.attention_output_bias);
  CHECK(c.attention_sinks);
  CHECK(c.sliding_window == 128);
  REQUIRE(c.layers.size() == 36);
  CHECK(count_kind(c, AttentionKind::sliding) == 18);
  CHECK(c.layers[0].kind == AttentionKind::sliding);
  CHECK(c.layers[0].window == 128);
  CHECK(c.layers[1].kind == AttentionKind::full);
  CHECK(c.layers[1].window == 0);
  REQUIRE(c.moe);
  CHECK(c.moe->num_experts == 128);
  CHECK(c.moe->experts_per_token == 4);
  CHECK(c.moe->expert_intermediate_size == 2880);
  CHECK(c.moe->router_bias);
  CHECK(c.moe->expert_bias);
  REQUIRE(c.quantization);
  CHECK(c.quantization->quant_method == "mxfp4");
  CHECK(c.quantization->bits == 4);
  CHECK(c.quantization->modules_to_not_convert.size() == 4);
  REQUIRE(c.rope_scaling);
  CHECK(c.rope_scaling->type == "yarn");
  CHECK(c.rope_scaling->factor == doctest::Approx(32.0));
  CHECK(c.swiglu_limit == doctest::Approx(7.0));
  CHECK(c.torch_dtype.empty());  // the file has no torch_dtype
  CHECK(c.pad_token_id == 199999);
}

TEST_CASE("phi-4: Phi3ForCausalLM with derived head_dim and null rope_scaling") {
  const ModelConfig c = shared_config("microsoft__phi-4");
  CHECK(c.family == ModelFamily::phi3);
  CHECK(c.head_dim == 128);  // 5120 / 40
  CHECK(c.num_key_value_heads == 10);
  CHECK_FALSE(c.rope_scaling);
  CHECK_FALSE(c.sliding_window);  // "sliding_window": null
  CHECK(c.partial_rotary_factor == doctest::Approx(1.0));
  CHECK(c.rope_theta == doctest::Approx(250000.0));
  CHECK(c.max_position_embeddings == 16384);
  CHECK_FALSE(c.attention_bias);
}

TEST_CASE("Gemma 2 defaults reproduce gemma-2-2b and alternate sliding/global") {
  // Gemma2Config's defaults are gemma-2-2b's architecture.
  const ModelConfig c = parse_model_config(Json{{"architectures", Json::array({"Gemma2ForCausalLM"})}, {"model_type", "gemma2"}},
                                           "gemma2.json");
  CHECK(c.family == ModelFamily::gemma2);
  CHECK(c.hidden_size == 2304);
  CHECK(c.num_hidden_layers == 26);
  CHECK(c.head_dim == 256);
  CHECK(c.vocab_size == 256000);
  CHECK(c.attn_logit_softcapping == doctest::Approx(50.0));
  CHECK(c.final_logit_softcapping == doctest::Approx(30.0));
  CHECK(c.sliding_window == 4096);
  CHECK(c.layers[0].kind == AttentionKind::sliding);
  CHECK(c.layers[1].kind == AttentionKind::full);
  CHECK(c.sliding_layer_count() == 13);
  CHECK(c.bos_token_id == 2);
  CHECK(c.pad_token_id == 0);
  // An explicit null disables a soft-cap instead of taking the default.
  const ModelConfig off = parse_model_config(Json{{"model_type", "gemma2"}, {"final_logit_softcapping", nullptr}},
                                             "gemma2.json");
  CHECK_FALSE(off.final_logit_softcapping);
}

TEST_CASE("Gemma 3 sliding_window_pattern and layer_types override the default pattern") {
  const ModelConfig p4 =
      parse_model_config(Json{{"model_type", "gemma3_text"}, {"num_hidden_layers", 8}, {"sliding_window_pattern", 4}},
                         "g.json");
  CHECK(p4.layers[3].kind == AttentionKind::full);
  CHECK(p4.layers[7].kind == AttentionKind::full);
  CHECK(p4.sliding_layer_count() == 6);
  CHECK(p4.sliding_window == 4096);  // Gemma3TextConfig default
  CHECK_FALSE(p4.vision);            // a text-only Gemma3ForCausalLM config
  const ModelConfig typed = parse_model_config(
      Json{{"model_type", "gemma3_text"}, {"num_hidden_layers", 3}, {"sliding_window", 512},
           {"layer_types", {"full_attention", "sliding_attention", "full_attention"}}},
      "g.json");
  CHECK(typed.sliding_layer_count() == 1);
  CHECK(typed.layers[1].window == 512);
}

TEST_CASE("Mistral: sliding_window applies to every layer unless null") {
  const Json base{{"architectures", Json::array({"MistralForCausalLM"})}, {"model_type", "mistral"}};
  const ModelConfig v01 = parse_model_config(base, "mistral.json");  // MistralConfig default 4096
  CHECK(v01.sliding_window == 4096);
  CHECK(v01.sliding_layer_count() == 32);
  Json v03 = base;
  v03["sliding_window"] = nullptr;
  CHECK(parse_model_config(v03, "mistral.json").sliding_layer_count() == 0);
  // Mistral-Nemo: head_dim 128 with hidden 5120 and 32 heads (5120 / 32 = 160).
  Json nemo = base;
  nemo.update(Json{{"hidden_size", 5120}, {"num_attention_heads", 32}, {"head_dim", 128}, {"sliding_window", nullptr}});
  CHECK(parse_model_config(nemo, "nemo.json").head_dim == 128);
}

TEST_CASE("Qwen with use_sliding_window slides from max_window_layers on") {
  const ModelConfig c = parse_model_config(Json{{"model_type", "qwen2"},
                                                {"num_hidden_layers", 4},
                                                {"use_sliding_window", true},
                                                {"sliding_window", 4096},
                                                {"max_window_layers", 2}},
                                           "q.json");
  CHECK(c.layers[1].kind == AttentionKind::full);
  CHECK(c.layers[2].kind == AttentionKind::sliding);
  CHECK(c.sliding_layer_count() == 2);
}

TEST_CASE("Qwen3-MoE: mlp_only_layers and decoder_sparse_step pick the dense layers") {
  const ModelConfig c = parse_model_config(
      Json{{"model_type", "qwen3_moe"}, {"num_hidden_layers", 6}, {"decoder_sparse_step", 2}, {"mlp_only_layers", Json::array({3})}},
      "q.json");
  REQUIRE(c.moe);
  // (i + 1) % 2 == 0 -> layers 1, 3, 5; layer 3 is forced dense.
  CHECK(c.moe->layers == std::vector<bool>{false, true, false, false, false, true});
}

TEST_CASE("Phi-3 longrope (legacy 'su') and partial rotary factor") {
  const ModelConfig c = parse_model_config(
      Json{{"model_type", "phi3"},
           {"original_max_position_embeddings", 4096},
           {"partial_rotary_factor", 0.75},
           {"rope_scaling", {{"type", "su"}, {"short_factor", {1.0, 1.1}}, {"long_factor", {2.0, 2.5}}}}},
      "phi3.json");
  REQUIRE(c.rope_scaling);
  CHECK(c.rope_scaling->type == "longrope");
  CHECK(c.rope_scaling->long_factor == std::vector<double>{2.0, 2.5});
  CHECK(c.rope_scaling->original_max_position_embeddings == 4096);
  CHECK(c.partial_rotary_factor == doctest::Approx(0.75));
  CHECK(c.eos_token_ids == std::vector<std::int64_t>{32000});  // Phi3Config default
}

TEST_CASE("transformers v5 rope_parameters are read like rope_scaling") {
  const ModelConfig llama = parse_model_config(
      Json{{"model_type", "llama"},
           {"rope_parameters", {{"rope_type", "yarn"}, {"factor", 4.0}, {"rope_theta", 1e6}}}},
      "v5.json");
  CHECK(llama.rope_theta == doctest::Approx(1e6));
  REQUIRE(llama.rope_scaling);
  CHECK(llama.rope_scaling->type == "yarn");
  const ModelConfig gemma = parse_model_config(
      Json{{"model_type", "gemma3_text"},
           {"rope_parameters",
            {{"full_attention", {{"rope_type", "linear"}, {"factor", 8.0}, {"rope_theta", 1e6}}},
             {"sliding_attention", {{"rope_type", "default"}, {"rope_theta", 10000.0}}}}}},
      "v5.json");
  CHECK(gemma.rope_scaling->factor == doctest::Approx(8.0));
  CHECK(gemma.rope_local_base_freq == doctest::Approx(10000.0));
}

TEST_CASE("generic decoder: unknown architecture with the standard fields") {
  const ModelConfig c = llmctl::test::fixture_config("generic-decoder/config.json");
  CHECK(c.family == ModelFamily::generic);
  CHECK(c.architecture == "FooForCausalLM");
  CHECK(c.num_key_value_heads == 8);  // defaults to num_attention_heads
  CHECK(c.head_dim == 32);            // 256 / 8
  CHECK(c.tie_word_embeddings);       // PretrainedConfig default
  CHECK(c.max_position_embeddings == 0);
  REQUIRE(c.notes.size() == 2);
  CHECK(c.notes[0].find("FooForCausalLM") != std::string::npos);
  // GPT-2 style names are accepted in generic mode.
  const ModelConfig gpt2 = parse_model_config(
      Json{{"model_type", "gpt2"}, {"n_embd", 768}, {"n_layer", 12}, {"n_head", 12}, {"n_inner", 3072},
           {"vocab_size", 50257}, {"n_positions", 1024}},
      "gpt2.json");
  CHECK(gpt2.hidden_size == 768);
  CHECK(gpt2.max_position_embeddings == 1024);
}

TEST_CASE("multimodal configs with an unknown vision tower are noted, not counted") {
  const ModelConfig c = parse_model_config(
      Json{{"architectures", Json::array({"LlavaForConditionalGeneration"})},
           {"model_type", "llava"},
           {"text_config", {{"model_type", "llama"}, {"hidden_size", 4096}, {"vocab_size", 32064}}},
           {"vision_config", {{"model_type", "clip_vision_model"}, {"hidden_size", 1024}}}},
      "llava.json");
  CHECK(c.family == ModelFamily::llama);
  CHECK(c.multimodal);
  CHECK(c.vocab_size == 32064);
  REQUIRE(c.vision);
  CHECK_FALSE(c.vision->counted);
  REQUIRE(c.notes.size() == 1);
  CHECK(c.notes[0].find("clip_vision_model") != std::string::npos);
}

TEST_CASE("quantization_config variants") {
  const ModelConfig gptq = parse_model_config(
      Json{{"model_type", "llama"},
           {"quantization_config", {{"quant_method", "gptq"}, {"bits", 4}, {"group_size", 128}}}},
      "gptq.json");
  CHECK(gptq.quantization->bits == 4);
  CHECK(gptq.quantization->group_size == 128);
  const ModelConfig per_channel = parse_model_config(
      Json{{"model_type", "llama"}, {"quantization_config", {{"quant_method", "gptq"}, {"bits", 8}, {"group_size", -1}}}},
      "gptq.json");
  CHECK_FALSE(per_channel.quantization->group_size);
  const ModelConfig bnb = parse_model_config(
      Json{{"model_type", "llama"}, {"quantization_config", {{"quant_method", "bitsandbytes"}, {"load_in_4bit", true}}}},
      "bnb.json");
  CHECK(bnb.quantization->bits == 4);
  const ModelConfig ct = parse_model_config(
      Json{{"model_type", "llama"},
           {"quantization_config",
            {{"quant_method", "compressed-tensors"},
             {"config_groups", {{"group_0", {{"weights", {{"num_bits", 4}, {"group_size", 32}}}}}}},
             {"ignore", Json::array({"lm_head"})}}}},
      "ct.json");
  CHECK(ct.quantization->bits == 4);
  CHECK(ct.quantization->group_size == 32);
  CHECK(ct.quantization->modules_to_not_convert == std::vector<std::string>{"lm_head"});
}

TEST_CASE("model_config_to_json: stable snake_case keys, null for absent sections") {
  const Json j = model_config_to_json(shared_config("Qwen__Qwen3-1.7B"));
  for (const char* key : {"architecture", "model_type", "family", "hidden_size", "num_hidden_layers",
                          "num_attention_heads", "num_key_value_heads", "head_dim", "intermediate_size", "vocab_size",
                          "max_position_embeddings", "rope_theta", "rope_scaling", "rms_norm_eps",
                          "tie_word_embeddings", "torch_dtype", "hidden_act", "attention_bias", "qk_norm", "mlp_bias",
                          "sliding_window", "layer_types", "moe", "mla", "quantization", "eos_token_ids", "notes"}) {
    CAPTURE(key);
    CHECK(j.contains(key));
  }
  CHECK(j["family"] == "qwen3");
  CHECK(j["moe"].is_null());
  CHECK(j["rope_scaling"].is_null());
  CHECK(j["layer_types"].size() == 28);
  CHECK(j["full_attention_layers"] == 28);
  const Json ds = model_config_to_json(shared_config("deepseek-ai__DeepSeek-V3"));
  CHECK(ds["mla"]["kv_lora_rank"] == 512);
  CHECK(ds["moe"]["moe_layers"] == 58);
  CHECK(ds["moe"]["dense_layers"] == 3);
  CHECK(ds["quantization"]["weight_block_size"] == Json::array({128, 128}));
  CHECK(ds["rope_scaling"]["type"] == "yarn");
}

TEST_CASE("family_name covers every family") {
  CHECK(family_name(ModelFamily::qwen3_moe) == "qwen3_moe");
  CHECK(family_name(ModelFamily::deepseek_v3) == "deepseek_v3");
  CHECK(family_name(ModelFamily::gpt_oss) == "gpt_oss");
  CHECK(family_name(ModelFamily::phi3) == "phi3");
  CHECK(family_name(ModelFamily::generic) == "generic");
}
