#include "runtime/session.hpp"

#include "model/catalog.hpp"
#include "model/weights.hpp"
#include "runtime/backend_choice.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

namespace llmctl::runtime {

namespace fs = std::filesystem;

Device parse_device(const std::string& text) {
  if (text == "auto") return Device::automatic;
  if (text == "cpu") return Device::cpu;
  if (text == "cuda") return Device::cuda;
  throw usage_error(fmt::format("unknown device '{}'", text), "use --device auto, cpu or cuda");
}

std::string to_string(Device device) {
  switch (device) {
    case Device::automatic: return "auto";
    case Device::cpu: return "cpu";
    case Device::cuda: return "cuda";
  }
  return "auto";
}

WeightDtype resolve_weight_dtype(const std::string& text, const ModelConfig& config) {
  if (text == "auto") {
    const std::string& t = config.torch_dtype;
    return (t == "bfloat16" || t == "float16" || t == "bf16" || t == "fp16") ? WeightDtype::bfloat16
                                                                            : WeightDtype::float32;
  }
  if (text == "float32" || text == "fp32") return WeightDtype::float32;
  if (text == "bfloat16" || text == "bf16") return WeightDtype::bfloat16;
  throw usage_error(fmt::format("unknown --dtype '{}'", text), "use auto, float32 or bfloat16");
}

double MemoryPlan::max_concurrency(std::int64_t tokens_per_request) const {
  if (tokens_per_request <= 0) return 0.0;
  // Whole blocks per request, as vLLM's "Maximum concurrency for N tokens per request".
  const std::int64_t blocks_per_request = (tokens_per_request + block_size - 1) / block_size;
  return static_cast<double>(num_blocks) / static_cast<double>(blocks_per_request);
}

namespace {

Json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw runtime_error(fmt::format("cannot read {}", path.string()));
  try {
    return Json::parse(in);
  } catch (const Json::exception& e) {
    throw runtime_error(fmt::format("{}: invalid JSON: {}", path.string(), e.what()));
  }
}

// The directory of the tokenizer files: --tokenizer (a directory, or a model
// reference with local files), else the model's own directory.
fs::path tokenizer_directory(const SessionOptions& options, const ResolvedModel& model, const Catalog& catalog) {
  if (options.tokenizer.empty()) return model.model_dir;
  if (fs::is_directory(options.tokenizer)) return options.tokenizer;
  const ResolvedModel other = resolve_model(options.tokenizer, catalog);
  if (other.model_dir.empty())
    throw usage_error(fmt::format("--tokenizer {}: its files are not on this machine", options.tokenizer),
                      fmt::format("run 'llmctl pull {}' first, or give a directory", options.tokenizer));
  return other.model_dir;
}

// tokenizer_config.json's eos_token (a string or an AddedToken object) as an id.
std::optional<engine::TokenId> tokenizer_eos_id(const fs::path& dir, const tok::Tokenizer& tokenizer) {
  const fs::path path = dir / "tokenizer_config.json";
  if (!fs::exists(path)) return std::nullopt;
  const Json config = read_json_file(path);
  const Json* eos = config.contains("eos_token") ? &config["eos_token"] : nullptr;
  std::string text;
  if (eos && eos->is_string()) text = eos->get<std::string>();
  else if (eos && eos->is_object() && eos->contains("content") && (*eos)["content"].is_string())
    text = (*eos)["content"].get<std::string>();
  if (text.empty()) return std::nullopt;
  const auto id = tokenizer.token_to_id(text);
  if (!id) return std::nullopt;
  return static_cast<engine::TokenId>(*id);
}

std::int64_t default_max_model_len(const SessionOptions& options, const ModelConfig& config, bool on_cpu) {
  const auto from_config = static_cast<std::int64_t>(config.max_position_embeddings);
  if (options.max_model_len > 0) {
    if (from_config > 0 && options.max_model_len > from_config)
      throw usage_error(fmt::format("--max-model-len {} is beyond the model's max_position_embeddings ({})",
                                    options.max_model_len, from_config),
                        fmt::format("use at most {}", from_config));
    return options.max_model_len;
  }
  if (from_config <= 0) return 4096;
  return on_cpu ? std::min<std::int64_t>(from_config, 4096) : from_config;
}

}  // namespace

ModelSession open_session(const SessionOptions& options, const std::function<void(const std::string&)>& log) {
  auto say = [&](const std::string& line) {
    if (log) log(line);
  };
  if (options.block_size <= 0 || options.max_num_seqs <= 0)
    throw usage_error("block size and --max-num-seqs must be positive");
  const Catalog catalog = Catalog::embedded();
  ModelSession s;
  s.model = resolve_model(options.model, catalog);
  s.served_name = options.model;
  if (!options.dummy_weights && s.model.model_dir.empty())
    throw usage_error(fmt::format("{}: the model's weights are not on this machine", s.model.name),
                      fmt::format("run 'llmctl pull {}' first, or add --dummy-weights", options.model));
  const ModelConfig& config = s.model.config;

  // Text side: tokenizer, chat template, generation config, EOS.
  const fs::path tok_dir = tokenizer_directory(options, s.model, catalog);
  if (!tok_dir.empty() && fs::exists(tok_dir / "tokenizer.json")) {
    s.tokenizer = std::make_shared<const tok::Tokenizer>(tok::Tokenizer::from_file(tok_dir / "tokenizer.json"));
    s.tokenizer_eos = tokenizer_eos_id(tok_dir, *s.tokenizer);
    try {
      s.chat_template = std::make_shared<const ChatTemplate>(ChatTemplate::from_dir(tok_dir));
    } catch (const Error&) {
      // No template: chat requests get an error naming the cause; completions still work.
    }
  }
  engine::GenerationConfig generation;
  const fs::path gen_path = s.model.model_dir.empty() ? fs::path() : s.model.model_dir / "generation_config.json";
  if (!gen_path.empty() && fs::exists(gen_path)) generation = engine::parse_generation_config(read_json_file(gen_path));
  // vLLM reads EOS ids from generation_config.json (else config.json) in either mode;
  // "vllm" only drops its sampling defaults.
  s.generation_eos = !generation.eos_token_ids.empty()
                         ? generation.eos_token_ids
                         : std::vector<engine::TokenId>(config.eos_token_ids.begin(), config.eos_token_ids.end());
  if (options.use_generation_config) {
    s.generation = generation;
  } else {
    s.generation.eos_token_ids = generation.eos_token_ids;
  }

  // Backend and KV plan.
  const BackendChoice backend = choose_backend(options.device);
  s.scheduler.max_model_len = default_max_model_len(options, config, backend.device == Device::cpu);
  s.scheduler.max_num_seqs = options.max_num_seqs;
  s.scheduler.max_num_batched_tokens = options.max_num_batched_tokens > 0
                                           ? options.max_num_batched_tokens
                                           : std::max<std::int64_t>(2048, s.scheduler.max_model_len);
  s.scheduler.max_num_batched_tokens = std::max(s.scheduler.max_num_batched_tokens, s.scheduler.max_num_seqs);

  say(options.dummy_weights ? fmt::format("Initializing {} with random weights (--dummy-weights)", s.model.name)
                            : fmt::format("Loading weights from {}", s.model.model_dir.string()));
  const WeightDtype dtype = resolve_weight_dtype(options.dtype, config);
  s.memory.weight_dtype = std::string(to_string(dtype));
  ModelWeights weights = options.dummy_weights ? dummy_weights(config, options.dummy_seed, dtype)
                                               : load_weights(s.model.model_dir, config, dtype);
  s.memory.block_size = options.block_size;
  s.enable_prefix_caching = options.enable_prefix_caching;
  s.memory.weight_bytes = weights.bytes();
  s.runner = backend.build(config, std::move(weights), options, s.scheduler, s.memory, say);
  s.scheduler.verify(s.memory.kv_cache_tokens());
  say(fmt::format("KV cache: {} tokens ({} blocks of {}), {:.2f} GiB on {}", s.memory.kv_cache_tokens(),
                  s.memory.num_blocks, s.memory.block_size,
                  static_cast<double>(s.memory.kv_cache_bytes) / (1024.0 * 1024.0 * 1024.0), s.memory.device));
  say(fmt::format("Maximum concurrency for {} tokens per request: {:.2f}x", s.scheduler.max_model_len,
                  s.memory.max_concurrency(s.scheduler.max_model_len)));
  return s;
}

engine::SamplingParams ModelSession::sampling_defaults() const { return engine::default_sampling_params(generation); }

void ModelSession::finish_params(engine::SamplingParams& params) const {
  params.set_eos_tokens(tokenizer_eos, generation_eos);
  params.verify_and_normalize();
}

std::unique_ptr<engine::Engine> ModelSession::make_engine(std::optional<std::uint64_t> seed) const {
  return std::make_unique<engine::Engine>(scheduler,
                                          engine::BlockManager(memory.num_blocks, memory.block_size,
                                                               enable_prefix_caching),
                                          *runner, seed);
}

const tok::Tokenizer& ModelSession::require_tokenizer() const {
  if (!tokenizer)
    throw usage_error(fmt::format("{}: no tokenizer.json next to the model", model.name),
                      "give --tokenizer DIR (a directory with tokenizer.json), or token ids");
  return *tokenizer;
}

const ChatTemplate& ModelSession::require_chat_template() const {
  if (!chat_template)
    throw usage_error(fmt::format("{}: the model has no chat template", model.name),
                      "use the completions endpoint, or a model whose tokenizer_config.json has chat_template");
  return *chat_template;
}

std::vector<engine::TokenId> ModelSession::encode(const std::string& text, bool add_special_tokens) const {
  std::vector<engine::TokenId> ids;
  for (std::uint32_t id : require_tokenizer().encode(text, add_special_tokens)) ids.push_back(static_cast<engine::TokenId>(id));
  return ids;
}

}  // namespace llmctl::runtime
