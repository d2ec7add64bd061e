#include "hub/snapshot.hpp"

#include "hub/cache.hpp"
#include "hub/download.hpp"
#include "hub/errors.hpp"
#include "hub/file_lock.hpp"
#include "hub/local_dir.hpp"
#include "hub/progress.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

namespace llmctl::hub {

namespace fs = std::filesystem;

namespace {

bool matches_any(const std::string& path, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(), [&](std::string pattern) {
    if (pattern.ends_with('/')) pattern += '*';  // as huggingface_hub's filter_repo_objects
    return ::fnmatch(pattern.c_str(), path.c_str(), 0) == 0;
  });
}

}  // namespace

const char* file_state_name(FileState state) {
  switch (state) {
    case FileState::cached: return "cached";
    case FileState::missing: return "missing";
    case FileState::downloaded: return "downloaded";
  }
  return "?";
}

bool is_selected(const std::string& path, const std::vector<std::string>& include,
                 const std::vector<std::string>& exclude) {
  return (include.empty() || matches_any(path, include)) && !matches_any(path, exclude);
}

namespace {

void log_to(const PullHooks& hooks, const std::string& line) {
  if (hooks.log) hooks.log(line);
}

// The state of each listed file, and where it goes.
void locate(PullResult& result, const CacheDir& cache, const PullOptions& options) {
  std::error_code ec;
  for (PulledFile& f : result.files) {
    if (options.local_dir) {
      const LocalDirPaths paths = local_dir_paths(*options.local_dir, f.path);
      f.local_path = paths.file;
      const auto meta = read_local_metadata(paths);
      f.state = meta && meta->etag == f.etag && fs::is_regular_file(paths.file, ec) ? FileState::cached
                                                                                    : FileState::missing;
    } else {
      f.local_path = cache.pointer_path(result.repo, result.commit, f.path);
      const bool present = fs::is_regular_file(f.local_path, ec) || fs::exists(cache.blob_path(result.repo, f.etag), ec);
      f.state = present ? FileState::cached : FileState::missing;
    }
  }
}

PullResult plan_online(HubClient& client, const CacheDir& cache, const RepoId& repo, const std::string& revision,
                       const PullOptions& options) {
  PullResult result{repo, revision, client.repo_info(repo, revision).commit, "hub", {}, {}, 0, 0};
  for (const RepoFile& file : client.list_files(repo, result.commit)) {
    check_safe_filename(file.path, repo);  // before any filter: a hostile listing fails loudly
    if (!is_safe_etag(file.etag()))
      throw runtime_error(fmt::format("refusing blob id '{}' of '{}' from the server", file.etag(), file.path));
    if (!is_selected(file.path, options.include, options.exclude)) continue;
    result.files.push_back({file.path, file.size, file.etag(), file.is_lfs(), {}, FileState::missing});
  }
  result.snapshot = options.local_dir ? *options.local_dir : cache.snapshot_dir(repo, result.commit);
  locate(result, cache, options);
  return result;
}

PullResult plan_from_cache(const CacheDir& cache, const RepoId& repo, const std::string& revision,
                           const PullOptions& options, const std::string& why) {
  if (options.local_dir)
    throw runtime_error("--local-dir needs the Hub, and " + why, "drop --local-dir to use the cache");
  const auto commit = cache.resolve_commit(repo, revision);
  if (!commit || !fs::is_directory(cache.snapshot_dir(repo, *commit)))
    throw runtime_error(fmt::format("{}, and {}@{} is not in the cache at {}", why, repo.id, revision,
                                    cache.root().string()),
                        "pull it once while online (unset HF_HUB_OFFLINE), or check HF_HUB_CACHE");
  PullResult result{repo, revision, *commit, "cache", cache.snapshot_dir(repo, *commit), {}, 0, 0};
  for (const std::string& path : cache.snapshot_files(repo, *commit)) {
    if (!is_selected(path, options.include, options.exclude)) continue;
    const fs::path pointer = cache.pointer_path(repo, *commit, path);
    std::error_code ec;
    const std::string etag = fs::read_symlink(pointer, ec).filename().string();
    result.files.push_back({path, fs::file_size(pointer), etag, etag.size() == 64, pointer, FileState::cached});
  }
  return result;
}

// Downloads one file into the cache or the local dir, under its lock.
void fetch_one(const HubClient& client, HttpSession& session, const CacheDir& cache, const PullResult& result,
               const PullOptions& options, PulledFile& f, const TransferHooks& hooks) {
  BlobTarget target{client.resolve_url(result.repo, result.commit, f.path), result.repo.id, f.path, {}, {}, f.size,
                    f.etag};
  const auto waiting = [&] { hooks.log(fmt::format("{}: waiting for another process downloading it", f.path)); };
  if (options.local_dir) {
    const LocalDirPaths paths = local_dir_paths(*options.local_dir, f.path);
    prepare_local_dir(*options.local_dir, paths);
    const FileLock lock(paths.lock, hooks.cancel, waiting);
    target.incomplete_path = paths.incomplete(f.etag);
    target.final_path = paths.file;
    download_blob(client, session, target, hooks);
    write_local_metadata(paths, result.commit, f.etag);
    f.state = FileState::downloaded;
    return;
  }
  const FileLock lock(cache.lock_path(result.repo, f.etag), hooks.cancel, waiting);
  target.final_path = cache.blob_path(result.repo, f.etag);
  target.incomplete_path = cache.incomplete_path(result.repo, f.etag);
  std::error_code ec;
  if (fs::exists(target.final_path, ec)) {
    f.state = FileState::cached;  // another process downloaded it while we waited for the lock
  } else {
    download_blob(client, session, target, hooks);
    f.state = FileState::downloaded;
  }
  cache.link_snapshot(result.repo, result.commit, f.path, f.etag);
}

// Runs fetch_one over `jobs` on up to max_workers threads, each with its own
// connection. The first failure stops the others (their files stay .incomplete).
void download_all(const HubClient& client, const CacheDir& cache, PullResult& result, const PullOptions& options,
                  const PullHooks& hooks, std::vector<PulledFile*> jobs, Progress& progress) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::exception_ptr first_error;

  TransferHooks transfer;
  transfer.on_bytes = [&](std::int64_t delta) { progress.add_received(delta); };
  transfer.on_resume = [&](std::uint64_t bytes) { progress.add_resumed(bytes); };
  transfer.cancel = [&] { return failed.load() || (hooks.cancel && hooks.cancel()); };
  transfer.log = [&](const std::string& line) { progress.log(line); };

  const auto worker = [&] {
    HttpSession session;
    for (std::size_t i = next++; i < jobs.size() && !transfer.cancel(); i = next++) {
      try {
        fetch_one(client, session, cache, result, options, *jobs[i], transfer);
        progress.file_done();
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  const std::size_t count = std::min<std::size_t>(jobs.size(), std::max(1, options.max_workers));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < count; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
  if (progress.snapshot().files_done < jobs.size())  // cancelled between two files
    throw Error(ExitCode::interrupted, "interrupted", "run the command again to resume");
}

PullResult pull_or_plan(HubClient& client, const RepoId& repo, const std::string& revision,
                        const PullOptions& options, const PullHooks& hooks) {
  const auto started = std::chrono::steady_clock::now();
  const CacheDir cache(client.settings().cache_dir);
  PullResult result;
  if (client.settings().offline) {
    result = plan_from_cache(cache, repo, revision, options, "offline mode is on (HF_HUB_OFFLINE)");
  } else {
    try {
      result = plan_online(client, cache, repo, revision, options);
    } catch (const HubUnreachable& e) {
      result = plan_from_cache(cache, repo, revision, options, e.what());
      log_to(hooks, std::string(e.what()) + "; using the cached snapshot");
    }
  }
  std::sort(result.files.begin(), result.files.end(), [](auto& a, auto& b) { return a.path < b.path; });
  if (options.dry_run || result.source == "cache") return result;

  if (!options.local_dir) {
    cache.write_ref(repo, revision, result.commit);
    fs::create_directories(result.snapshot);
  }
  std::vector<PulledFile*> jobs;
  std::uint64_t total = 0;
  for (PulledFile& f : result.files) {
    if (f.state == FileState::cached && !options.local_dir && !fs::is_symlink(f.local_path)) {
      cache.link_snapshot(repo, result.commit, f.path, f.etag);  // the blob is there, the link is not
    } else if (f.state == FileState::missing) {
      jobs.push_back(&f);
      total += f.size;
    }
  }
  // Largest first, so one big file does not start last and finish alone.
  std::stable_sort(jobs.begin(), jobs.end(), [](auto* a, auto* b) { return a->size > b->size; });
  {
    Progress progress(jobs.empty() ? nullptr : hooks.progress, hooks.progress_tty, total, jobs.size());
    download_all(client, cache, result, options, hooks, jobs, progress);
    result.downloaded_bytes = progress.snapshot().received;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace

PullResult pull_snapshot(HubClient& client, const RepoId& repo, const std::string& revision,
                         const PullOptions& options, const PullHooks& hooks) {
  try {
    return pull_or_plan(client, repo, revision, options, hooks);
  } catch (const fs::filesystem_error& e) {
    throw runtime_error(e.what(), "check the permissions and free space of the cache (HF_HUB_CACHE) or --local-dir");
  }
}

}  // namespace llmctl::hub
