// The Hugging Face hub cache, laid out exactly as huggingface_hub lays it out,
// so transformers and vLLM find what llmctl pulled and the other way round:
//
//   $HF_HUB_CACHE/models--{org}--{name}/
//     blobs/{etag}                  file contents (etag: sha256 for LFS files, git sha1 otherwise)
//     blobs/{etag}.incomplete       a download in progress, resumable
//     refs/{revision}               the commit a branch or tag pointed to when last seen
//     snapshots/{commit}/{file}     relative symlink to ../../blobs/{etag} (more ../ when nested)
//   $HF_HUB_CACHE/.locks/models--{org}--{name}/{etag}.lock   flock(2) while a blob is written
#pragma once

#include "hub/repo_id.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::hub {

class CacheDir {
 public:
  explicit CacheDir(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path repo_dir(const RepoId& repo) const;
  std::filesystem::path blob_path(const RepoId& repo, const std::string& etag) const;
  std::filesystem::path incomplete_path(const RepoId& repo, const std::string& etag) const;
  std::filesystem::path lock_path(const RepoId& repo, const std::string& etag) const;
  std::filesystem::path snapshot_dir(const RepoId& repo, const std::string& commit) const;
  // snapshots/{commit}/{filename}; throws if `filename` would leave the snapshot.
  std::filesystem::path pointer_path(const RepoId& repo, const std::string& commit,
                                     const std::string& filename) const;

  // The commit `revision` names: itself when it is a commit hash, else refs/{revision}.
  std::optional<std::string> resolve_commit(const RepoId& repo, const std::string& revision) const;
  // Writes refs/{revision} (atomically, and only when it changes); no-op for a commit hash.
  void write_ref(const RepoId& repo, const std::string& revision, const std::string& commit) const;
  // Points snapshots/{commit}/{filename} at blobs/{etag} with a relative symlink,
  // replacing whatever was there in one atomic rename.
  void link_snapshot(const RepoId& repo, const std::string& commit, const std::string& filename,
                     const std::string& etag) const;
  // The files of a cached snapshot whose blobs are present, '/'-separated, sorted.
  std::vector<std::string> snapshot_files(const RepoId& repo, const std::string& commit) const;

 private:
  std::filesystem::path root_;
};

// The cached copy of `filename` at `revision` (a branch, tag or commit), or
// nothing. Never touches the network: the offline half of model resolution.
std::optional<std::filesystem::path> find_cached_file(const CacheDir& cache, const RepoId& repo,
                                                      const std::string& revision, const std::string& filename);

// Whether an ETag can name a blob file (no path separators or dot-dot tricks).
bool is_safe_etag(std::string_view etag);

// Throws unless `filename` (from the server) is a safe relative path.
void check_safe_filename(const std::string& filename, const RepoId& repo);

// Writes `contents` to `path` through a temporary file and a rename, so a
// reader never sees half of it.
void write_file_atomic(const std::filesystem::path& path, const std::string& contents);

}  // namespace llmctl::hub
