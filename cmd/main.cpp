// llmctl: size, fetch, deploy, serve and benchmark LLMs.
// main() builds the command line, runs one subcommand, and is the one place
// where errors become messages and exit codes (README.md, "Exit codes").
#include "bench.hpp"
#include "chat_template.hpp"
#include "cli.hpp"
#include "completion.hpp"
#include "inspect.hpp"
#include "models.hpp"
#include "pull.hpp"
#include "render.hpp"
#include "run.hpp"
#include "serve.hpp"
#include "size.hpp"
#include "tokenize.hpp"

#include "hub/http.hpp"
#include "util/error.hpp"
#include "util/omp_env.hpp"
#include "util/term.hpp"

#include <llmctl/version.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace {

std::string version_text() {
#ifdef LLMCTL_WITH_CUDA
  const char* backends = "cpu, cuda";
#else
  const char* backends = "cpu";
#endif
  return fmt::format("llmctl {} (commit {}, backends: {})", llmctl::kVersion, llmctl::kGitCommit, backends);
}

void print_error(const std::string& message, const std::string& hint, bool color) {
  const char* red = color ? "\033[1;31m" : "";
  const char* dim = color ? "\033[2m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::fprintf(stderr, "llmctl: %serror:%s %s\n", red, reset, message.c_str());
  if (!hint.empty()) std::fprintf(stderr, "%shint:%s %s\n", dim, reset, hint.c_str());
}

// CLI11 reports --help/--version as "errors" and uses exit codes of 100 and
// more for real ones; we print help and version on stdout (exit 0) and map
// every parse failure to the usage exit code 2.
int handle_parse_error(CLI::App& root, const CLI::ParseError& e, bool color) {
  if (dynamic_cast<const CLI::CallForHelp*>(&e) != nullptr ||
      dynamic_cast<const CLI::CallForAllHelp*>(&e) != nullptr ||
      dynamic_cast<const CLI::CallForVersion*>(&e) != nullptr) {
    return root.exit(e);  // prints to stdout, returns 0
  }
  std::string where = "llmctl";
  for (const CLI::App* sub = &root; sub != nullptr;) {
    const auto parsed = sub->get_subcommands();
    sub = parsed.empty() ? nullptr : parsed.front();
    if (sub != nullptr) where += " " + sub->get_name();
  }
  print_error(e.what(), "run '" + where + " --help' for usage", color);
  return static_cast<int>(llmctl::ExitCode::usage);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace llmctl;
  ensure_passive_omp_wait(argc, argv);  // before any thread: may re-execute the process
  const hub::CurlGlobal curl;  // libcurl's process-wide setup, before any thread exists
  CLI::App root{"llmctl: size, fetch, deploy, serve and benchmark LLMs.\n"
                "One binary from \"which model?\" to \"it answers on a GPU\".",
                "llmctl"};
  root.fallthrough();
  root.require_subcommand(0, 1);
  root.set_version_flag("--version", version_text(), "Print the version and exit");
  root.footer(
      "\nRun 'llmctl <command> --help' for a command's options and examples.\n"
      "Models can be named by catalog alias (llmctl models), HF id (Qwen/Qwen3-1.7B),\n"
      "local model directory or config.json path.");

  cli::GlobalOptions global;
  root.add_flag("-v,--verbose", global.verbose, "Verbose logs on stderr")
      ->group(cli::kGlobalGroup)->envname("LLMCTL_VERBOSE");
  root.add_flag("--no-color", global.no_color, "Never colour output (NO_COLOR is honoured too)")
      ->group(cli::kGlobalGroup);

  cmd::ModelsOptions models_opts;
  models_opts.global = &global;
  cmd::InspectOptions inspect_opts;
  inspect_opts.global = &global;
  cmd::CompletionOptions completion_opts;
  completion_opts.global = &global;
  cmd::PullOptions pull_opts;
  pull_opts.global = &global;
  CLI::App* models_cmd = cmd::register_models(root, models_opts);
  CLI::App* inspect_cmd = cmd::register_inspect(root, inspect_opts);
  CLI::App* completion_cmd = cmd::register_completion(root, completion_opts);
  CLI::App* pull_cmd = cmd::register_pull(root, pull_opts);
  cmd::SizeOptions size_opts;
  size_opts.global = &global;
  CLI::App* size_cmd = cmd::register_size(root, size_opts);
  cmd::RenderOptions render_opts;
  render_opts.global = &global;
  CLI::App* render_cmd = cmd::register_render(root, render_opts);
  cmd::TokenizeOptions tokenize_opts;
  tokenize_opts.global = &global;
  CLI::App* tokenize_cmd = cmd::register_tokenize(root, tokenize_opts);
  cmd::ChatTemplateOptions chat_template_opts;
  chat_template_opts.global = &global;
  CLI::App* chat_template_cmd = cmd::register_chat_template(root, chat_template_opts);
  cmd::RunOptions run_opts;
  run_opts.global = &global;
  CLI::App* run_cmd = cmd::register_run(root, run_opts);
  cmd::BenchOptions bench_opts;
  bench_opts.global = &global;
  CLI::App* bench_cmd = cmd::register_bench(root, bench_opts);
  cmd::ServeOptions serve_opts;
  serve_opts.global = &global;
  CLI::App* serve_cmd = cmd::register_serve(root, serve_opts);

  const bool stderr_color = use_color(stderr, false);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return handle_parse_error(root, e, stderr_color && !global.no_color);
  }

  const auto started = std::chrono::steady_clock::now();
  const auto dispatch = [&]() -> int {
    if (models_cmd->parsed()) return cmd::run_models(models_opts);
    if (inspect_cmd->parsed()) return cmd::run_inspect(inspect_opts);
    if (completion_cmd->parsed()) return cmd::run_completion(completion_opts);
    if (pull_cmd->parsed()) return cmd::run_pull(pull_opts);
    if (size_cmd->parsed()) return cmd::run_size(size_opts);
    if (render_cmd->parsed()) return cmd::run_render(render_opts);
    if (tokenize_cmd->parsed()) return cmd::run_tokenize(tokenize_opts);
    if (chat_template_cmd->parsed()) return cmd::run_chat_template(chat_template_opts);
    if (run_cmd->parsed()) return cmd::run_run(run_opts);
    if (bench_cmd->parsed()) return cmd::run_bench(bench_opts);
    if (serve_cmd->parsed()) return cmd::run_serve(serve_opts);
    std::cout << root.help();
    return 0;
  };
  try {
    const int rc = dispatch();
    cli::verbose(global, fmt::format("done in {:.1f} ms", std::chrono::duration<double, std::milli>(
                                                           std::chrono::steady_clock::now() - started).count()));
    return rc;
  } catch (const Error& e) {
    print_error(e.what(), e.hint(), stderr_color && !global.no_color);
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what(),
                "this is a bug in llmctl; please report it with the command you ran",
                stderr_color && !global.no_color);
    return static_cast<int>(ExitCode::runtime);
  }
}
