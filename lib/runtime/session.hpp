// A model opened for inference: everything `llmctl run`, `llmctl serve` and
// `llmctl bench engine` share between "a model reference" and "an Engine that
// answers". It resolves the model, loads (or fakes) its weights, its tokenizer,
// chat template and generation_config.json, picks the backend, and plans the KV
// cache with the sizing module (the same bytes-per-token `llmctl size` prints),
// then builds Engines on that runner.
//
//   SessionOptions opts; opts.model = "qwen3-0.6b"; opts.dummy_weights = true;
//   ModelSession session = open_session(opts, log);
//   std::unique_ptr<engine::Engine> eng = session.make_engine();
//   engine::SamplingParams p = session.sampling_defaults();   // then request overrides
//   p.max_tokens = 32; session.finish_params(p);              // EOS ids, validation
//   eng->add("r0", session.encode("Hello"), p);
#pragma once

#include "engine/engine.hpp"
#include "engine/sampling_params.hpp"
#include "model/config.hpp"
#include "model/resolve.hpp"
#include "model/weights.hpp"
#include "text/chat_template.hpp"
#include "text/tokenizer/tokenizer.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::runtime {

enum class Device { automatic, cpu, cuda };
Device parse_device(const std::string& text);  // "auto" | "cpu" | "cuda"; usage Error otherwise
std::string to_string(Device device);
// --dtype for `config`: auto follows its torch_dtype (16-bit -> bfloat16, else float32).
WeightDtype resolve_weight_dtype(const std::string& text, const ModelConfig& config);

struct SessionOptions {
  std::string model;                 // directory, catalog alias or HF id
  std::string tokenizer;             // vLLM's --tokenizer: another directory/id for the tokenizer files
  bool dummy_weights = false;        // random weights of the real shape (no download)
  std::uint64_t dummy_seed = 0;
  Device device = Device::automatic;
  // Weights in memory: "auto" (the config's torch_dtype: bf16/fp16 checkpoints and
  // dummy weights of them stay 16-bit, fp32 stays fp32), "float32" or "bfloat16".
  std::string dtype = "auto";
  std::int64_t max_model_len = 0;    // 0: the config's max_position_embeddings (CPU: at most 4096)
  std::int64_t max_num_seqs = 256;
  std::int64_t max_num_batched_tokens = 0;  // 0: max(2048, max_model_len) as vLLM's chunked prefill
  std::int64_t block_size = 16;
  bool enable_prefix_caching = true;
  double gpu_memory_utilization = 0.9;      // CUDA: share of device memory for weights + activations + KV
  std::int64_t cpu_kv_cache_bytes = 0;      // CPU: KV cache space (vLLM's VLLM_CPU_KVCACHE_SPACE); 0: 4 GiB
  std::int64_t num_kv_blocks = 0;           // > 0: exactly this many blocks (tests)
  bool use_generation_config = true;        // --generation-config auto (true) | vllm (false)
};

// The KV plan and what it was computed from, for logs ("KV cache: N tokens,
// maximum concurrency for M tokens per request: C x").
struct MemoryPlan {
  std::string device;                   // "cpu" or the GPU's name
  std::string weight_dtype;             // "float32" | "bfloat16"
  std::int64_t weight_bytes = 0;        // as held by the backend
  std::int64_t kv_bytes_per_token = 0;  // sizing module, in the backend's KV dtype
  std::int64_t kv_cache_bytes = 0;      // num_blocks * block_size * kv_bytes_per_token
  std::int64_t num_blocks = 0;
  std::int64_t block_size = 16;
  std::int64_t kv_cache_tokens() const { return num_blocks * block_size; }
  double max_concurrency(std::int64_t tokens_per_request) const;
};

class ModelSession {
 public:
  ResolvedModel model;                 // name, config, model_dir
  std::string served_name;             // the reference as given (HF id or path)
  std::shared_ptr<const tok::Tokenizer> tokenizer;        // null when the model has no tokenizer.json
  std::shared_ptr<const ChatTemplate> chat_template;      // null when it has none
  engine::GenerationConfig generation;  // empty with use_generation_config off
  std::optional<engine::TokenId> tokenizer_eos;           // tokenizer_config's eos_token as an id
  std::vector<engine::TokenId> generation_eos;            // generation_config's (else config's) eos ids
  engine::SchedulerConfig scheduler;
  MemoryPlan memory;
  bool enable_prefix_caching = true;
  std::unique_ptr<engine::ModelRunner> runner;

  // vLLM's defaults with generation_config.json's applied (before the request's fields).
  engine::SamplingParams sampling_defaults() const;
  // Sets the EOS ids and validates (vLLM's messages as usage Errors).
  void finish_params(engine::SamplingParams& params) const;
  // An Engine over this session's runner and a fresh block manager of memory.num_blocks
  // blocks. One engine at a time per session (they share the runner's KV cache).
  std::unique_ptr<engine::Engine> make_engine(std::optional<std::uint64_t> seed = std::nullopt) const;

  // Text <-> ids (usage Error without a tokenizer).
  std::vector<engine::TokenId> encode(const std::string& text, bool add_special_tokens = true) const;
  const tok::Tokenizer& require_tokenizer() const;
  const ChatTemplate& require_chat_template() const;
};

// Progress lines ("loading weights ...") go to `log` when given.
ModelSession open_session(const SessionOptions& options, const std::function<void(const std::string&)>& log = {});

}  // namespace llmctl::runtime
