#include "bench_serve.hpp"

#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/term.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <iostream>

namespace llmctl::cmd {

CLI::App* register_bench_serve(CLI::App& parent, BenchServeOptions& o) {
  auto& b = o.bench;
  auto* app = parent.add_subcommand("serve", "Benchmark an OpenAI-compatible endpoint (vLLM's serving benchmark)");
  app->add_option("--base-url", b.base_url, "Server base URL (e.g. a kubectl port-forward)")->capture_default_str()
      ->envname("LLMCTL_BENCH_BASE_URL");
  app->add_option("--endpoint", b.endpoint, "/v1/completions or /v1/chat/completions")->capture_default_str();
  app->add_option("--model", b.model, "Model name sent in requests (default: the first of GET /v1/models)")->type_name("NAME");
  app->add_option("--tokenizer", b.tokenizer, "Directory holding tokenizer.json (prompt lengths, token counts)")->type_name("DIR");
  app->add_option("--dataset", o.dataset, "random | sharegpt FILE | jsonl FILE")->expected(1, 2)->type_name("NAME [FILE]");
  app->add_option("--input-len", b.dataset.input_len, "Random dataset: prompt tokens")->capture_default_str()
      ->check(CLI::PositiveNumber);
  auto* out_len = app->add_option("--output-len", b.dataset.output_len, "Tokens to generate (max_tokens)")->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--range-ratio", b.dataset.range_ratio, "Random dataset: lengths uniform in [L(1-r), L(1+r)]")
      ->capture_default_str()->check(CLI::Range(0.0, 0.999));
  app->add_option("--num-prompts", b.dataset.num_prompts, "Requests to send")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--request-rate", o.request_rate, "Requests per second, or inf (all at once)")->capture_default_str();
  app->add_option("--burstiness", b.burstiness, "Gamma shape of the arrivals: 1 Poisson, <1 burstier, >1 steadier")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--max-concurrency", b.max_concurrency, "Most requests in flight (default: unlimited)")
      ->check(CLI::PositiveNumber);
  app->add_option("--warmup", b.warmup, "Warm-up requests before measuring")->check(CLI::NonNegativeNumber);
  app->add_option("--goodput", b.goodput, "SLOs in ms for goodput, e.g. ttft:200,tpot:50,e2el:2000")->type_name("KEY:MS");
  app->add_option("--percentiles", b.percentiles, "Percentiles to report, comma-separated")->capture_default_str();
  app->add_option("--sweep", b.sweep, "Run once per value: concurrency=1,4,16,64")->type_name("concurrency=LIST");
  app->add_option("--save-result", o.save_result, "Write vLLM's result JSON (and FILE's .csv and .svg next to it)")
      ->type_name("FILE");
  app->add_option("--save-csv", o.save_csv, "Per-request CSV (default: next to --save-result)")->type_name("FILE");
  app->add_option("--save-svg", o.save_svg, "SVG chart (default: next to --save-result)")->type_name("FILE");
  app->add_option("--api-key", b.api_key, "Bearer token (also OPENAI_API_KEY)")->envname("OPENAI_API_KEY");
  app->add_option("--seed", b.seed, "Seed of the prompts and arrival times")->capture_default_str();
  app->add_flag("--ignore-eos", b.ignore_eos, "Ask the server to ignore EOS (vLLM extension), so outputs have --output-len tokens");
  app->add_option("--temperature", b.temperature, "Sampling temperature sent with each request (default: server's)");
  app->add_flag("--no-ready-check", [&b](std::int64_t) { b.ready_check = false; }, "Skip the initial single test request");
  app->add_flag("--no-progress", o.no_progress, "No progress bar on stderr");
  out_len->each([&b](const std::string&) { b.dataset.output_len_given = true; });
  cli::set_examples(*app,
                    "  kubectl port-forward svc/qwen3 8000:8000 &\n"
                    "  llmctl bench serve --base-url http://127.0.0.1:8000 --tokenizer ./Qwen3-0.6B \\\n"
                    "      --input-len 1024 --output-len 128 --num-prompts 200 --request-rate 4 --save-result r.json\n"
                    "  llmctl bench serve --endpoint /v1/chat/completions --sweep concurrency=1,4,16,64 \\\n"
                    "      --goodput ttft:500,tpot:50 --save-result sweep.json\n");
  return app;
}

namespace {

double parse_rate(const std::string& text) {
  if (text == "inf" || text == "INF" || text == "Inf") return INFINITY;
  try {
    std::size_t used = 0;
    const double r = std::stod(text, &used);
    if (used == text.size() && r > 0) return r;
  } catch (const std::logic_error&) {
  }
  throw usage_error(fmt::format("invalid --request-rate '{}'", text), "give requests per second (> 0) or inf");
}

std::string sibling(const std::string& path, const char* extension) {
  std::filesystem::path p = path;
  return p.replace_extension(extension).string();
}

}  // namespace

int run_bench_serve(const BenchServeOptions& o) {
  bench::ServeBenchOptions b = o.bench;
  b.request_rate = parse_rate(o.request_rate);
  if (!o.dataset.empty()) {
    b.dataset.name = o.dataset[0];
    if (o.dataset.size() > 1) b.dataset.path = o.dataset[1];
    if (b.dataset.name != "random" && b.dataset.path.empty())
      throw usage_error(fmt::format("--dataset {} needs a FILE", b.dataset.name));
  }
  b.dataset.seed = b.seed;

  std::atomic<bool> interrupted{false};
  InterruptWatcher watcher(interrupted);
  bench::ServeBenchHooks hooks;
  hooks.log = [](const std::string& line) { std::cerr << line << "\n"; };
  hooks.progress_bar = !o.no_progress && is_tty(stderr);
  hooks.interrupted = &interrupted;
  const auto runs = bench::run_serve_bench(b, hooks);

  for (const auto& run : runs) std::cout << bench::console_report(run.info, run.metrics);
  const bool sweep = !b.sweep.empty();
  if (sweep) {
    std::vector<bench::SweepPoint> points;
    for (const auto& r : runs) points.push_back({r.info.max_concurrency, r.metrics});
    std::cout << "\n" << bench::sweep_table(points, runs.front().info.percentiles);
  }
  std::string csv = o.save_csv, svg = o.save_svg;
  if (!o.save_result.empty()) {
    if (csv.empty()) csv = sibling(o.save_result, ".csv");
    if (svg.empty()) svg = sibling(o.save_result, ".svg");
  }
  bench::save_serve_outputs(runs, sweep, o.save_result, csv, svg);
  for (const auto& path : {o.save_result, csv, svg})
    if (!path.empty()) std::cerr << "wrote " << path << (sweep && path == csv ? " (one file per concurrency)" : "") << "\n";
  if (interrupted.load()) return static_cast<int>(ExitCode::interrupted);
  return 0;
}

}  // namespace llmctl::cmd
