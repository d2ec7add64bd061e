// Pulling a whole repository snapshot (huggingface_hub's snapshot_download):
// list the files at one commit, select them with --include/--exclude globs,
// and download the missing ones in parallel into the cache (or a local dir).
// Offline, or when the Hub cannot be reached, the cached snapshot answers.
#pragma once

#include "hub/api.hpp"
#include "hub/http.hpp"
#include "hub/repo_id.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::hub {

struct PullOptions {
  std::vector<std::string> include;  // globs (fnmatch; "dir/" means "dir/*"); empty: all
  std::vector<std::string> exclude;
  std::optional<std::filesystem::path> local_dir;
  int max_workers = 8;
  bool dry_run = false;
};

struct PullHooks {
  CancelCheck cancel;                           // true: stop (Ctrl-C)
  std::function<void(const std::string&)> log;  // notices for stderr
  std::FILE* progress = nullptr;                // where to draw progress; nullptr: nowhere
  bool progress_tty = false;
};

enum class FileState { cached, missing, downloaded };
const char* file_state_name(FileState state);  // "cached", "missing", "downloaded"

struct PulledFile {
  std::string path;
  std::uint64_t size = 0;
  std::string etag;
  bool lfs = false;
  std::filesystem::path local_path;  // the snapshot symlink, or the file in --local-dir
  FileState state = FileState::missing;
};

struct PullResult {
  RepoId repo;
  std::string revision;
  std::string commit;
  std::string source;               // "hub", or "cache" (offline or the Hub unreachable)
  std::filesystem::path snapshot;   // snapshots/{commit}, or the --local-dir
  std::vector<PulledFile> files;    // sorted by path
  std::uint64_t downloaded_bytes = 0;
  double seconds = 0;
};

// Whether `path` passes the --include (any, when given) and --exclude (none) globs.
bool is_selected(const std::string& path, const std::vector<std::string>& include,
                 const std::vector<std::string>& exclude);

// Plans, and unless dry_run, downloads. Throws Error (exit 130 when cancelled).
PullResult pull_snapshot(HubClient& client, const RepoId& repo, const std::string& revision,
                         const PullOptions& options, const PullHooks& hooks);

}  // namespace llmctl::hub
