#include "run.hpp"

#include "backend/cpu/cpu_model_runner.hpp"
#include "engine/engine.hpp"
#include "model/catalog.hpp"
#include "model/resolve.hpp"
#include "model/weights.hpp"
#include "text/tokenizer/detokenizer.hpp"
#include "text/tokenizer/tokenizer.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

namespace llmctl::cmd {

CLI::App* register_run(CLI::App& root, RunOptions& o) {
  auto* app = root.add_subcommand("run", "Generate text offline on the CPU engine");
  app->add_option("model", o.model, "Model: a local model directory, or a catalog alias / HF id (pulled, or with --dummy-weights)")
      ->required()
      ->type_name("MODEL");
  app->add_option("-p,--prompt", o.prompt, "The prompt text")->type_name("TEXT");
  app->add_option("--prompt-tokens", o.prompt_tokens, "Use a synthetic prompt of N token ids instead (benchmarks)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20));
  app->add_option("-n,--max-tokens", o.max_tokens, "Most tokens to generate")->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20));
  app->add_option("--temperature", o.temperature, "Sampling temperature (0: greedy; default: generation_config.json)");
  app->add_option("--top-p", o.top_p, "Nucleus sampling mass");
  app->add_option("--top-k", o.top_k, "Keep the k most likely tokens");
  app->add_option("--seed", o.seed, "Random seed of the request");
  app->add_flag("--ignore-eos", o.ignore_eos, "Keep generating past EOS");
  app->add_flag("--dummy-weights", o.dummy_weights, "Random weights of the real shapes (no download; for benchmarks)");
  app->add_option("--batch", o.batch, "Run N copies of the request at once (aggregate throughput)")
      ->capture_default_str()->check(CLI::Range(std::int64_t{1}, std::int64_t{1024}));
  app->add_option("--max-model-len", o.max_model_len, "Positions per sequence (default: min(config, 4096))");
  cli::set_examples(*app,
                    "  llmctl run ./Qwen3-0.6B/ -p \"The capital of France is\" -n 32\n"
                    "  llmctl run qwen3-0.6b --dummy-weights --prompt-tokens 512 -n 64 --ignore-eos\n");
  return app;
}

namespace {

engine::SamplingParams sampling_params(const RunOptions& o, const std::filesystem::path& dir) {
  engine::GenerationConfig gen;
  if (!dir.empty() && std::filesystem::exists(dir / "generation_config.json")) {
    std::ifstream in(dir / "generation_config.json");
    gen = engine::parse_generation_config(Json::parse(in));
  }
  engine::SamplingParams p = engine::default_sampling_params(gen);
  if (o.temperature) p.temperature = *o.temperature;
  if (o.top_p) p.top_p = *o.top_p;
  if (o.top_k) p.top_k = *o.top_k;
  if (o.seed) p.seed = *o.seed;
  p.max_tokens = o.max_tokens;
  p.ignore_eos = o.ignore_eos;
  return p;
}

}  // namespace

int run_run(const RunOptions& o) {
  if (o.prompt.empty() == (o.prompt_tokens == 0)) throw usage_error("give either --prompt or --prompt-tokens");
  const Catalog catalog = Catalog::embedded();
  const ResolvedModel model = resolve_model(o.model, catalog);
  if (!o.dummy_weights && model.model_dir.empty())
    throw usage_error(fmt::format("{}: the model's weights are not on this machine", model.name),
                      fmt::format("run 'llmctl pull {}' first, or add --dummy-weights", o.model));
  ModelWeights weights = o.dummy_weights ? dummy_weights(model.config, 0) : load_weights(model.model_dir, model.config);

  std::unique_ptr<tok::Tokenizer> tokenizer;
  if (!model.model_dir.empty() && std::filesystem::exists(model.model_dir / "tokenizer.json"))
    tokenizer = std::make_unique<tok::Tokenizer>(tok::Tokenizer::from_file(model.model_dir / "tokenizer.json"));
  std::vector<engine::TokenId> prompt;
  if (o.prompt_tokens > 0) {
    for (std::int64_t i = 0; i < o.prompt_tokens; ++i)  // spread over the vocabulary, deterministic
      prompt.push_back(static_cast<engine::TokenId>((i * 7919 + 11) % static_cast<std::int64_t>(model.config.vocab_size)));
  } else {
    if (!tokenizer) throw usage_error(fmt::format("{}: no tokenizer.json to encode the prompt", model.name),
                                      "use --prompt-tokens N for a synthetic prompt");
    for (std::uint32_t id : tokenizer->encode(o.prompt)) prompt.push_back(static_cast<engine::TokenId>(id));
  }

  engine::SchedulerConfig sc;
  sc.max_model_len = o.max_model_len > 0 ? o.max_model_len
                                         : std::min<std::int64_t>(4096, static_cast<std::int64_t>(model.config.max_position_embeddings));
  sc.max_num_seqs = std::max<std::int64_t>(o.batch, 1);
  sc.max_num_batched_tokens = std::max<std::int64_t>(2048, sc.max_num_seqs);
  const std::int64_t block_size = 16;
  const std::int64_t per_seq = std::min<std::int64_t>(sc.max_model_len, static_cast<std::int64_t>(prompt.size()) + o.max_tokens);
  const std::int64_t num_blocks = std::max((sc.max_model_len + block_size - 1) / block_size,
                                           o.batch * ((per_seq + block_size - 1) / block_size));
  backend::cpu::CpuModelRunner runner(model.config, std::move(weights), num_blocks, block_size);
  engine::Engine eng(sc, engine::BlockManager(num_blocks, block_size, true), runner,
                     o.seed ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*o.seed)) : std::nullopt);
  engine::SamplingParams params = sampling_params(o, model.model_dir);
  std::vector<engine::TokenId> eos = model.config.eos_token_ids.empty()
                                         ? std::vector<engine::TokenId>{}
                                         : std::vector<engine::TokenId>(model.config.eos_token_ids.begin(), model.config.eos_token_ids.end());
  params.set_eos_tokens(eos.empty() ? std::nullopt : std::optional<engine::TokenId>(eos.front()), eos);
  params.verify_and_normalize();
  for (std::int64_t i = 0; i < o.batch; ++i) eng.add(fmt::format("r{}", i), prompt, params);

  std::unique_ptr<tok::IncrementalDetokenizer> detok;
  if (tokenizer && o.batch == 1) detok = std::make_unique<tok::IncrementalDetokenizer>(*tokenizer, true);
  while (eng.has_unfinished()) {
    for (const auto& u : eng.step()) {
      if (detok && u.request_id == "r0") std::cout << detok->step(static_cast<std::uint32_t>(u.token)) << std::flush;
    }
  }
  if (detok) std::cout << detok->finish() << "\n";
  const auto& s = eng.stats();
  std::cerr << fmt::format("prefill: {} tokens in {:.3f} s ({:.1f} tokens/s); decode: {} tokens in {:.3f} s "
                           "({:.1f} tokens/s, batch {}); preemptions: {}\n",
                           s.prefill_tokens, s.prefill_seconds, s.prefill_tokens / std::max(s.prefill_seconds, 1e-9),
                           s.decode_tokens, s.decode_seconds, s.decode_tokens / std::max(s.decode_seconds, 1e-9),
                           o.batch, s.preemptions);
  return 0;
}

}  // namespace llmctl::cmd
