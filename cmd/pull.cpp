#include "pull.hpp"

#include "hub/api.hpp"
#include "hub/progress.hpp"
#include "hub/remote.hpp"
#include "hub/repo_id.hpp"
#include "hub/settings.hpp"
#include "hub/snapshot.hpp"
#include "model/catalog.hpp"
#include "model/safetensors.hpp"
#include "model/safetensors_hub.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/term.hpp"
#include "util/units.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <iostream>

namespace llmctl::cmd {

CLI::App* register_pull(CLI::App& root, PullOptions& opts) {
  auto* app = root.add_subcommand("pull", "Download a model from the Hugging Face Hub into the shared HF cache");
  app->add_option("model", opts.model, "Model: HF id (org/name[@revision]) or catalog alias (see `llmctl models`)")
      ->required()
      ->type_name("MODEL");
  app->add_option("--include", opts.include, "Only files matching this glob (repeatable), e.g. '*.safetensors'")
      ->type_name("GLOB")
      ->allow_extra_args(false);
  app->add_option("--exclude", opts.exclude, "Skip files matching this glob (repeatable)")
      ->type_name("GLOB")
      ->allow_extra_args(false);
  app->add_option("--revision", opts.revision, "Branch, tag or commit (default: main, or the @revision of MODEL)")
      ->type_name("REV");
  app->add_option("--local-dir", opts.local_dir, "Put the files in this directory instead of the HF cache")
      ->type_name("DIR");
  app->add_option("--max-workers", opts.max_workers, "Files downloaded in parallel")
      ->check(CLI::Range(1, 64))
      ->envname("LLMCTL_MAX_WORKERS")
      ->capture_default_str();
  app->add_option("--token", opts.token, "Hugging Face token (default: HF_TOKEN, then the token file in HF_HOME)")
      ->type_name("TOKEN");
  app->add_flag("--dry-run", opts.dry_run, "List the files, their sizes and what is cached; download nothing");
  app->add_flag("--headers-only", opts.headers_only,
                "Read only the safetensors headers (HTTP Range requests): every tensor's dtype, shape and bytes")
      ->excludes("--dry-run")
      ->excludes("--local-dir");
  cli::add_output_option(*app, opts.output);
  cli::set_examples(*app,
                    "  llmctl pull Qwen/Qwen3-1.7B\n"
                    "  llmctl pull qwen3-1.7b --include '*.json' --include '*.safetensors'\n"
                    "  llmctl pull meta-llama/Llama-3.1-8B@main --dry-run\n"
                    "  llmctl pull deepseek-ai/DeepSeek-V3 --headers-only -o json\n"
                    "  llmctl pull Qwen/Qwen3-1.7B --local-dir ./qwen3\n");
  return app;
}

namespace {

// The repository and revision `opts` name: a catalog alias maps to its HF id.
hub::RepoRef repo_ref(const PullOptions& opts) {
  const auto at = opts.model.find('@');
  const std::string name = opts.model.substr(0, at);
  hub::RepoRef ref;
  if (const CatalogEntry* entry = Catalog::embedded().find(name)) {
    ref = hub::parse_repo_ref(entry->hf_id + (at == std::string::npos ? "" : opts.model.substr(at)));
  } else {
    ref = hub::parse_repo_ref(opts.model);
  }
  if (!opts.revision.empty()) {
    if (ref.revision && *ref.revision != opts.revision)
      throw usage_error(fmt::format("two revisions given: '{}' in the model and '{}' with --revision", *ref.revision,
                                    opts.revision));
    ref.revision = hub::parse_repo_ref(ref.repo.id + "@" + opts.revision).revision;
  }
  return ref;
}

Json files_json(const hub::PullResult& result) {
  Json files = Json::array();
  for (const auto& f : result.files)
    files.push_back(Json{{"path", f.path},
                         {"size", f.size},
                         {"lfs", f.lfs},
                         {"state", hub::file_state_name(f.state)},
                         {"local_path", f.local_path.string()}});
  return files;
}

std::string files_table(const hub::PullResult& result, bool color) {
  Table table{{"FILE", "SIZE", "STATE"}, {Align::left, Align::right, Align::left}, {}};
  for (const auto& f : result.files) table.rows.push_back({f.path, format_bytes(f.size), hub::file_state_name(f.state)});
  return table.render(color);
}

int print_pull(const PullOptions& opts, const hub::PullResult& result) {
  std::uint64_t total = 0;
  std::uint64_t missing = 0;
  for (const auto& f : result.files) {
    total += f.size;
    if (f.state == hub::FileState::missing) missing += f.size;
  }
  Json data{{"model", result.repo.id},          {"revision", result.revision},
            {"commit", result.commit},          {"source", result.source},
            {"snapshot", result.snapshot.string()}, {"files", files_json(result)},
            {"total_bytes", total}};
  if (opts.dry_run) {
    data["download_bytes"] = missing;
  } else {
    data["downloaded_bytes"] = result.downloaded_bytes;
    data["seconds"] = result.seconds;
    const double rate = result.seconds > 0 ? result.downloaded_bytes / result.seconds : 0;
    if (result.source == "cache")
      std::fprintf(stderr, "%s@%s (commit %.12s) answered from the cache: %zu files, nothing downloaded\n",
                   result.repo.id.c_str(), result.revision.c_str(), result.commit.c_str(), result.files.size());
    else
      std::fprintf(stderr, "pulled %s@%s (commit %.12s): %zu files, %s downloaded in %.1f s (%s)\n",
                   result.repo.id.c_str(), result.revision.c_str(), result.commit.c_str(), result.files.size(),
                   format_bytes(result.downloaded_bytes).c_str(), result.seconds, hub::format_rate(rate).c_str());
  }
  emit(std::cout, parse_output_format(opts.output), data, [&] {
    std::string text = files_table(result, cli::stdout_color(*opts.global));
    text += fmt::format("\n{} files, {}", result.files.size(), format_bytes(total));
    if (opts.dry_run) text += fmt::format(", {} to download", format_bytes(missing));
    return text + fmt::format("\nsnapshot: {}\n", result.snapshot.string());
  });
  return 0;
}

// --headers-only: the checkpoint's tensors from the Hub (or, offline or when
// the Hub is unreachable, from the cached snapshot), no weights downloaded.
int print_headers(const PullOptions& opts, hub::HubClient& client, const hub::RepoRef& ref) {
  const std::string revision = ref.revision.value_or(hub::kDefaultRevision);
  const HubCheckpoint read = read_hub_checkpoint(client, ref.repo, revision);
  const Checkpoint& checkpoint = read.checkpoint;

  Json tensors = Json::array();
  Table table{{"TENSOR", "DTYPE", "SHAPE", "BYTES", "FILE"}, {Align::left, Align::left, Align::left, Align::right}, {}};
  for (const TensorInfo& t : checkpoint.tensors) {
    tensors.push_back(Json{{"name", t.name},
                           {"dtype", t.dtype},
                           {"shape", t.shape},
                           {"elements", t.elements()},
                           {"bytes", t.bytes()},
                           {"file", t.file}});
    table.rows.push_back({t.name, t.dtype, fmt::format("[{}]", fmt::join(t.shape, ", ")), format_bytes(t.bytes()), t.file});
  }
  Json by_dtype = Json::object();
  for (const auto& [dtype, bytes] : checkpoint.bytes_by_dtype)
    by_dtype[dtype] = Json{{"elements", checkpoint.elements_by_dtype.at(dtype)}, {"bytes", bytes}};
  Json totals{{"tensors", checkpoint.tensors.size()},
              {"elements", checkpoint.total_elements},
              {"bytes", checkpoint.total_bytes},
              {"by_dtype", by_dtype}};
  if (checkpoint.index_total_size) totals["index_total_size"] = *checkpoint.index_total_size;
  const Json data{{"model", ref.repo.id},
                  {"revision", revision},
                  {"commit", read.commit},
                  {"source", hub::source_name(read.source)},
                  {"shards", checkpoint.shards},
                  {"tensors", tensors},
                  {"totals", totals}};
  emit(std::cout, parse_output_format(opts.output), data, [&] {
    return table.render(cli::stdout_color(*opts.global)) +
           fmt::format("\n{} tensors in {} shards, {} elements, {}\n", checkpoint.tensors.size(),
                       checkpoint.shards.size(), format_count(checkpoint.total_elements),
                       format_bytes(checkpoint.total_bytes));
  });
  return 0;
}

}  // namespace

int run_pull(const PullOptions& opts) {
  (void)parse_output_format(opts.output);
  const hub::RepoRef ref = repo_ref(opts);
  hub::HubClient client(hub::HubSettings::from_env(hub::process_env(), opts.token));
  if (opts.headers_only) return print_headers(opts, client, ref);

  std::atomic<bool> interrupted{false};
  const InterruptWatcher watcher(interrupted);  // before the download threads start
  hub::PullOptions options;
  options.include = opts.include;
  options.exclude = opts.exclude;
  if (!opts.local_dir.empty()) options.local_dir = std::filesystem::absolute(opts.local_dir);
  options.max_workers = opts.max_workers;
  options.dry_run = opts.dry_run;
  hub::PullHooks hooks;
  hooks.cancel = [&] { return interrupted.load(); };
  hooks.log = [](const std::string& line) { std::fprintf(stderr, "llmctl: %s\n", line.c_str()); };
  hooks.progress = stderr;
  hooks.progress_tty = is_tty(stderr);
  return print_pull(opts, hub::pull_snapshot(client, ref.repo, ref.revision.value_or(hub::kDefaultRevision), options,
                                             hooks));
}

}  // namespace llmctl::cmd
