#include "hub/cache.hpp"

#include "util/error.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <functional>
#include <system_error>
#include <thread>

namespace llmctl::hub {

namespace fs = std::filesystem;

namespace {

// A name unique to this process and thread for temporary siblings of a file.
std::string temp_suffix() {
  const auto tid = std::hash<std::thread::id>{}(std::this_thread::get_id());
  return fmt::format(".tmp.{}.{:x}", ::getpid(), tid);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool is_safe_etag(std::string_view etag) {
  if (etag.empty() || etag.size() > 128 || etag == "." || etag == "..") return false;
  return std::all_of(etag.begin(), etag.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
}

void check_safe_filename(const std::string& filename, const RepoId& repo) {
  if (!is_safe_relative_path(filename))
    throw runtime_error(
        fmt::format("refusing file name '{}' from the server for {}: it would escape the download directory", filename,
                    repo.id),
        "the repository (or a proxy) is malicious or broken; nothing was written");
}

fs::path CacheDir::repo_dir(const RepoId& repo) const { return root_ / repo.folder_name(); }

fs::path CacheDir::blob_path(const RepoId& repo, const std::string& etag) const {
  if (!is_safe_etag(etag))
    throw runtime_error(fmt::format("refusing ETag '{}' from the server for {}: not a valid blob name", etag, repo.id));
  return repo_dir(repo) / "blobs" / etag;
}

fs::path CacheDir::incomplete_path(const RepoId& repo, const std::string& etag) const {
  fs::path path = blob_path(repo, etag);
  path += ".incomplete";
  return path;
}

fs::path CacheDir::lock_path(const RepoId& repo, const std::string& etag) const {
  (void)blob_path(repo, etag);  // validates the etag
  return root_ / ".locks" / repo.folder_name() / (etag + ".lock");
}

fs::path CacheDir::snapshot_dir(const RepoId& repo, const std::string& commit) const {
  if (!is_commit_hash(commit)) throw runtime_error(fmt::format("'{}' is not a commit hash", commit));
  return repo_dir(repo) / "snapshots" / commit;
}

fs::path CacheDir::pointer_path(const RepoId& repo, const std::string& commit, const std::string& filename) const {
  check_safe_filename(filename, repo);
  return snapshot_dir(repo, commit) / fs::path(filename);
}

std::optional<std::string> CacheDir::resolve_commit(const RepoId& repo, const std::string& revision) const {
  if (is_commit_hash(revision)) return revision;
  if (!is_safe_relative_path(revision)) return std::nullopt;
  std::error_code ec;
  const fs::path ref = repo_dir(repo) / "refs" / fs::path(revision);
  if (!fs::is_regular_file(ref, ec)) return std::nullopt;
  std::string commit = read_text(ref);
  while (!commit.empty() && std::isspace(static_cast<unsigned char>(commit.back()))) commit.pop_back();
  if (!is_commit_hash(commit)) return std::nullopt;
  return commit;
}

void CacheDir::write_ref(const RepoId& repo, const std::string& revision, const std::string& commit) const {
  if (revision == commit) return;
  if (!is_safe_relative_path(revision))
    throw runtime_error(fmt::format("revision '{}' cannot be stored as a ref", revision));
  if (resolve_commit(repo, revision) == commit) return;
  const fs::path ref = repo_dir(repo) / "refs" / fs::path(revision);
  fs::create_directories(ref.parent_path());
  write_file_atomic(ref, commit);  // no newline, as huggingface_hub writes it
}

void CacheDir::link_snapshot(const RepoId& repo, const std::string& commit, const std::string& filename,
                             const std::string& etag) const {
  const fs::path pointer = pointer_path(repo, commit, filename);
  const fs::path blob = blob_path(repo, etag);
  fs::create_directories(pointer.parent_path());
  const fs::path target = blob.lexically_relative(pointer.parent_path());
  fs::path temp = pointer;
  temp += temp_suffix();
  fs::remove(temp);
  fs::create_symlink(target, temp);
  fs::rename(temp, pointer);
}

std::vector<std::string> CacheDir::snapshot_files(const RepoId& repo, const std::string& commit) const {
  std::vector<std::string> files;
  std::error_code ec;
  const fs::path dir = snapshot_dir(repo, commit);
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (fs::is_regular_file(it->path(), ec))  // follows the symlink: a dangling one is no file
      files.push_back(it->path().lexically_relative(dir).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<fs::path> find_cached_file(const CacheDir& cache, const RepoId& repo, const std::string& revision,
                                         const std::string& filename) {
  if (!is_safe_relative_path(filename)) return std::nullopt;
  const auto commit = cache.resolve_commit(repo, revision);
  if (!commit) return std::nullopt;
  const fs::path pointer = cache.pointer_path(repo, *commit, filename);
  std::error_code ec;
  if (!fs::is_regular_file(pointer, ec)) return std::nullopt;
  return pointer;
}

void write_file_atomic(const fs::path& path, const std::string& contents) {
  fs::path temp = path;
  temp += temp_suffix();
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << contents;
    out.close();
    if (!out) throw runtime_error("cannot write " + temp.string(), "check free space and permissions");
  }
  fs::rename(temp, path);
}

}  // namespace llmctl::hub
