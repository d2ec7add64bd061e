// parse_model_config: the common decoder fields, their validation, and the
// dispatch to the family rules (config_families.cpp, config_sections.cpp).
#include "model/config.hpp"
#include "model/config_families.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace llmctl {

using detail::ConfigReader;

namespace {

constexpr const char* kKnownFamilies =
    "Qwen2/2.5, Qwen3, Qwen3-MoE, Llama, Mistral, Mixtral, DeepSeek-V3, Gemma 2/3, gpt-oss and Phi-3/4";

using KeyList = std::vector<const char*>;

// The first of `keys` present, and which key it was (the first when none is).
std::optional<std::uint64_t> read_size(const ConfigReader& reader, const KeyList& keys, const char** found) {
  for (const char* key : keys) {
    if (auto v = reader.uint(key)) {
      *found = key;
      return v;
    }
  }
  *found = keys.front();
  return std::nullopt;
}

// The decoder sizes every family has: read, default, or (generic) collect as missing.
void parse_sizes(const ConfigReader& reader, const detail::FamilyDefaults& defaults, ModelConfig& c) {
  const bool generic = !defaults.has_defaults;
  std::vector<std::string> missing;
  // Generic mode also accepts GPT-2/OPT-style names after the standard one.
  auto size = [&](KeyList keys, std::uint64_t fallback, const char** key_out) {
    if (!generic) keys.resize(1);
    if (auto v = read_size(reader, keys, key_out)) return *v;
    if (generic) missing.push_back(keys.front());
    return fallback;
  };
  const char* hidden_key = nullptr;
  const char* layers_key = nullptr;
  const char* heads_key = nullptr;
  const char* inter_key = nullptr;
  const char* vocab_key = nullptr;
  c.hidden_size = size({"hidden_size", "n_embd", "d_model"}, defaults.hidden_size, &hidden_key);
  c.num_hidden_layers = size({"num_hidden_layers", "n_layer", "num_layers"}, defaults.num_hidden_layers, &layers_key);
  c.num_attention_heads = size({"num_attention_heads", "n_head", "num_heads"}, defaults.num_attention_heads, &heads_key);
  c.intermediate_size = size({"intermediate_size", "n_inner", "ffn_dim"}, defaults.intermediate_size, &inter_key);
  c.vocab_size = size({"vocab_size"}, defaults.vocab_size, &vocab_key);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw runtime_error(
        fmt::format("{}: unknown architecture '{}' (model_type '{}') lacks the standard decoder field{} {}",
                    reader.source(), c.architecture.empty() ? "?" : c.architecture,
                    c.model_type.empty() ? "?" : c.model_type, missing.size() > 1 ? "s" : "", list),
        fmt::format("llmctl reads {} configs; any other decoder needs hidden_size, num_hidden_layers, "
                    "num_attention_heads, intermediate_size and vocab_size in config.json",
                    kKnownFamilies));
  }
  for (auto [key, value] : {std::pair{hidden_key, c.hidden_size}, {layers_key, c.num_hidden_layers},
                            {heads_key, c.num_attention_heads}, {inter_key, c.intermediate_size},
                            {vocab_key, c.vocab_size}})
    if (value == 0) throw reader.field_error(key, "must be positive, got 0");

  // num_key_value_heads: absent -> class default; null or class default None -> num_attention_heads.
  const char* kv_key = (generic && !reader.present("num_key_value_heads") && reader.present("num_kv_heads"))
                           ? "num_kv_heads"
                           : "num_key_value_heads";
  if (reader.present(kv_key)) c.num_key_value_heads = reader.uint(kv_key).value_or(c.num_attention_heads);
  else c.num_key_value_heads = defaults.num_key_value_heads.value_or(c.num_attention_heads);
  if (c.num_key_value_heads == 0) throw reader.field_error(kv_key, "must be positive, got 0");
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    throw reader.field_error(kv_key, fmt::format("({}) does not divide num_attention_heads ({})",
                                                 c.num_key_value_heads, c.num_attention_heads));

  // head_dim: absent -> class default; null or no default -> hidden_size / heads (vLLM's rule).
  std::optional<std::uint64_t> head_dim = reader.present("head_dim") ? reader.uint("head_dim") : defaults.head_dim;
  if (head_dim && *head_dim == 0) throw reader.field_error("head_dim", "must be positive, got 0");
  if (!head_dim && c.family != ModelFamily::deepseek_v3) {  // MLA sets its own (parse_mla)
    if (c.hidden_size % c.num_attention_heads != 0)
      throw reader.field_error(heads_key, fmt::format("({}) does not divide hidden_size ({}) and head_dim is not given",
                                                      c.num_attention_heads, c.hidden_size));
    head_dim = c.hidden_size / c.num_attention_heads;
  }
  c.head_dim = head_dim.value_or(0);

  const char* pos_key = nullptr;
  const KeyList pos_keys = generic ? KeyList{"max_position_embeddings", "n_positions", "max_seq_len", "seq_length"}
                                   : KeyList{"max_position_embeddings"};
  if (auto v = read_size(reader, pos_keys, &pos_key))
    c.max_position_embeddings = *v;
  else if (generic) c.notes.push_back("config.json gives no max_position_embeddings: the context length is unknown");
  else c.max_position_embeddings = defaults.max_position_embeddings;
  if (c.max_position_embeddings == 0 && reader.find(pos_key))
    throw reader.field_error(pos_key, "must be positive, got 0");
}

void parse_common(const ConfigReader& reader, const detail::FamilyDefaults& defaults, ModelConfig& c) {
  std::optional<double> eps;
  for (const char* key : {"rms_norm_eps", "layer_norm_eps", "layer_norm_epsilon"})
    if (!eps) eps = reader.number(key);
  c.rms_norm_eps = eps.value_or(defaults.rms_norm_eps);
  if (c.rms_norm_eps <= 0) throw reader.field_error("rms_norm_eps", "must be positive");
  c.tie_word_embeddings = reader.boolean("tie_word_embeddings").value_or(defaults.tie_word_embeddings);
  c.torch_dtype = reader.string("torch_dtype").value_or(reader.string("dtype").value_or(""));
  const bool gemma = c.family == ModelFamily::gemma2 || c.family == ModelFamily::gemma3;
  std::optional<std::string> act = gemma ? reader.string("hidden_activation") : std::nullopt;
  if (!act) act = reader.string("hidden_act");
  c.hidden_act = act.value_or(defaults.hidden_act);
}

}  // namespace

ModelConfig parse_model_config(const Json& root, const std::string& source_name) {
  if (!root.is_object())
    throw runtime_error(fmt::format("{}: config.json must hold a JSON object, got {}", source_name,
                                    detail::describe_json(root)),
                        "point llmctl at a Hugging Face config.json");
  const ConfigReader top(root, nullptr, source_name, "");
  // Multimodal checkpoints (Gemma3ForConditionalGeneration, ...) nest the
  // decoder in text_config; missing fields there fall back to the top level.
  const Json* text = top.object("text_config");
  const ConfigReader reader = text ? ConfigReader(*text, &root, source_name, "text_config.") : top;

  ModelConfig c;
  c.multimodal = text != nullptr;
  if (const Json* archs = top.find("architectures")) {
    if (!archs->is_array())
      throw top.field_error("architectures", fmt::format("must be an array, got {}", detail::describe_json(*archs)));
    if (!archs->empty()) {
      if (!archs->front().is_string())
        throw top.error(fmt::format("field 'architectures[0]' must be a string, got {}",
                                    detail::describe_json(archs->front())));
      c.architecture = archs->front().get<std::string>();
    }
  }
  const std::string root_type = top.string("model_type").value_or("");
  const std::string text_type =
      text ? ConfigReader(*text, nullptr, source_name, "text_config.").string("model_type").value_or("") : "";
  c.model_type = root_type.empty() ? text_type : root_type;
  c.family = detail::detect_family(text_type, "");
  if (c.family == ModelFamily::generic) c.family = detail::detect_family(root_type, c.architecture);

  const detail::FamilyDefaults defaults = detail::family_defaults(c.family);
  parse_sizes(reader, defaults, c);
  parse_common(reader, defaults, c);
  detail::parse_family_flags(reader, defaults, c);
  detail::parse_mla(reader, c);
  detail::parse_rope(reader, defaults, c);
  detail::parse_layer_attention(reader, defaults, c);
  detail::parse_moe(reader, c);
  detail::parse_quantization(reader, c);
  detail::parse_vision(root, reader, c);
  detail::parse_token_ids(reader, c);
  if (c.family == ModelFamily::generic)
    c.notes.insert(c.notes.begin(),
                   fmt::format("architecture '{}' is not one llmctl models exactly; it is read as a Llama-style "
                               "decoder (gated MLP, RMSNorm), so parameter counts may be approximate",
                               c.architecture.empty() ? c.model_type : c.architecture));
  return c;
}

Json parse_json_text(std::string_view text, const std::string& source_name) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.byte is the 1-based offset of the last byte read; report it as line:column.
    const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string detail = e.what();
    if (const auto pos = detail.find("syntax error"); pos != std::string::npos) detail = detail.substr(pos);
    throw runtime_error(fmt::format("{}: invalid JSON at line {}, column {}: {}", source_name, line, column, detail),
                        "the file is not valid JSON; re-download it or fix the syntax at that position");
  }
}

ModelConfig load_model_config(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw runtime_error(fmt::format("{} is a directory, not a config.json", path.string()),
                        fmt::format("pass {} instead", (path / "config.json").string()));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw runtime_error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)),
                        "check the path and its permissions");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  return parse_model_config(parse_json_text(text, path.string()), path.string());
}

}  // namespace llmctl
