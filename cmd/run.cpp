#include "run.hpp"

#include "runtime/session.hpp"
#include "runtime/text_stream.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <iostream>

namespace llmctl::cmd {

CLI::App* register_run(CLI::App& root, RunOptions& o) {
  auto* app = root.add_subcommand("run", "Generate text offline on the local engine");
  add_engine_flags(*app, o.engine);
  app->add_option("-p,--prompt", o.prompt, "The prompt text")->type_name("TEXT");
  app->add_option("--prompt-tokens", o.prompt_tokens, "Use a synthetic prompt of N token ids instead (benchmarks)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20));
  app->add_flag("--chat", o.chat, "Send the prompt as a user message through the model's chat template");
  app->add_option("--system", o.system, "With --chat: a system message before the prompt")->type_name("TEXT");
  app->add_option("--chat-template-kwargs", o.chat_template_kwargs,
                  "With --chat: JSON keywords for the template, e.g. '{\"enable_thinking\": false}'")
      ->type_name("JSON");
  app->add_option("-n,--max-tokens", o.max_tokens, "Most tokens to generate")->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20));
  app->add_option("--min-tokens", o.min_tokens, "Tokens generated before EOS or a stop may end the output")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--temperature", o.temperature, "Sampling temperature (0: greedy; default: generation_config.json)");
  app->add_option("--top-p", o.top_p, "Nucleus sampling mass");
  app->add_option("--top-k", o.top_k, "Keep the k most likely tokens");
  app->add_option("--min-p", o.min_p, "Drop tokens below min_p times the top probability");
  app->add_option("--repetition-penalty", o.repetition_penalty, "Penalty on tokens of the prompt and output (1: none)");
  app->add_option("--presence-penalty", o.presence_penalty, "Penalty on tokens already generated");
  app->add_option("--frequency-penalty", o.frequency_penalty, "Penalty per occurrence in the output");
  app->add_option("--seed", o.seed, "Random seed of the request");
  app->add_option("--stop", o.stop, "Stop string (repeatable); it is not printed")->type_name("TEXT");
  app->add_flag("--ignore-eos", o.ignore_eos, "Keep generating past EOS");
  app->add_option("--batch", o.batch, "Run N copies of the request at once (aggregate throughput)")
      ->capture_default_str()->check(CLI::Range(std::int64_t{1}, std::int64_t{1024}));
  cli::set_examples(*app,
                    "  llmctl run ./Qwen3-0.6B/ -p \"The capital of France is\" -n 32\n"
                    "  llmctl run ./Qwen3-0.6B/ --chat --system \"Answer briefly.\" -p \"What is 2+2?\" "
                    "--chat-template-kwargs '{\"enable_thinking\": false}'\n"
                    "  llmctl run qwen3-0.6b --dummy-weights --prompt-tokens 512 -n 64 --ignore-eos\n");
  return app;
}

namespace {

engine::SamplingParams sampling_params(const RunOptions& o, const runtime::ModelSession& session) {
  engine::SamplingParams p = session.sampling_defaults();
  if (o.temperature) p.temperature = *o.temperature;
  if (o.top_p) p.top_p = *o.top_p;
  if (o.top_k) p.top_k = *o.top_k;
  if (o.min_p) p.min_p = *o.min_p;
  if (o.repetition_penalty) p.repetition_penalty = *o.repetition_penalty;
  if (o.presence_penalty) p.presence_penalty = *o.presence_penalty;
  if (o.frequency_penalty) p.frequency_penalty = *o.frequency_penalty;
  if (o.seed) p.seed = *o.seed;
  p.stop = o.stop;
  p.min_tokens = o.min_tokens;
  p.max_tokens = o.max_tokens;
  p.ignore_eos = o.ignore_eos;
  session.finish_params(p);
  return p;
}

std::vector<engine::TokenId> prompt_ids(const RunOptions& o, const runtime::ModelSession& session) {
  std::vector<engine::TokenId> prompt;
  if (o.prompt_tokens > 0) {
    const auto vocab = static_cast<std::int64_t>(session.model.config.vocab_size);
    for (std::int64_t i = 0; i < o.prompt_tokens; ++i)  // spread over the vocabulary, deterministic
      prompt.push_back(static_cast<engine::TokenId>((i * 7919 + 11) % vocab));
    return prompt;
  }
  if (!o.chat) return session.encode(o.prompt);
  ChatRequest request;
  if (!o.system.empty()) request.messages.push_back(Json{{"role", "system"}, {"content", o.system}});
  request.messages.push_back(Json{{"role", "user"}, {"content", o.prompt}});
  if (!o.chat_template_kwargs.empty()) request.kwargs = parse_json_object_flag("--chat-template-kwargs", o.chat_template_kwargs);
  // The template writes the special tokens itself (vLLM: add_special_tokens=False for chat).
  return session.encode(session.require_chat_template().render(request), false);
}

}  // namespace

int run_run(const RunOptions& o) {
  if (o.prompt.empty() == (o.prompt_tokens == 0)) throw usage_error("give either --prompt or --prompt-tokens");
  if ((!o.system.empty() || !o.chat_template_kwargs.empty()) && !o.chat)
    throw usage_error("--system and --chat-template-kwargs need --chat");
  runtime::SessionOptions so = o.engine.resolve();
  so.max_num_seqs = std::max<std::int64_t>(o.batch, 1);
  const bool verbose = o.global && o.global->verbose;
  std::atomic<bool> interrupted{false};
  const InterruptWatcher watcher(interrupted);  // before the backend's threads start
  runtime::ModelSession session = runtime::open_session(so, [&](const std::string& line) {
    if (verbose) std::cerr << line << "\n";
  });
  const std::vector<engine::TokenId> prompt = prompt_ids(o, session);
  const engine::SamplingParams params = sampling_params(o, session);

  std::unique_ptr<engine::Engine> eng =
      session.make_engine(o.seed ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*o.seed)) : std::nullopt);
  for (std::int64_t i = 0; i < o.batch; ++i) eng->add(fmt::format("r{}", i), prompt, params);

  // Text of the first request only (the others are copies, for throughput).
  std::unique_ptr<runtime::TextStreams> texts;
  if (session.tokenizer && o.prompt_tokens == 0) {
    texts = std::make_unique<runtime::TextStreams>(*session.tokenizer);
    const std::size_t context = std::min<std::size_t>(prompt.size(), 8);
    for (std::int64_t i = 0; i < o.batch; ++i)
      texts->track(fmt::format("r{}", i), params, std::span(prompt).subspan(prompt.size() - context));
  }
  while (eng->has_unfinished()) {
    if (interrupted.load()) {
      std::cout << std::endl;
      throw Error(ExitCode::interrupted, "interrupted");
    }
    for (const auto& u : eng->step(texts.get())) {
      if (!texts || u.request_id != "r0") continue;
      std::cout << texts->take(u.request_id);
      if (u.finished) std::cout << texts->finish(u.request_id) << "\n";
      std::cout << std::flush;
    }
  }
  const auto& s = eng->stats();
  std::cerr << fmt::format("prefill: {} tokens in {:.3f} s ({:.1f} tokens/s); decode: {} tokens in {:.3f} s "
                           "({:.1f} tokens/s, batch {}); preemptions: {}\n",
                           s.prefill_tokens, s.prefill_seconds, s.prefill_tokens / std::max(s.prefill_seconds, 1e-9),
                           s.decode_tokens, s.decode_seconds, s.decode_tokens / std::max(s.decode_seconds, 1e-9),
                           o.batch, s.preemptions);
  return 0;
}

}  // namespace llmctl::cmd
