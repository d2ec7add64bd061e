// `--local-dir`: files placed in a plain directory instead of the cache, with
// the bookkeeping huggingface_hub keeps beside them (_local_folder.py), so
// `hf download --local-dir` and `llmctl pull --local-dir` recognise each
// other's files:
//
//   {dir}/{file}
//   {dir}/.cache/huggingface/.gitignore                       "*"
//   {dir}/.cache/huggingface/download/{file}.metadata         commit \n etag \n unix time
//   {dir}/.cache/huggingface/download/{file}.lock
//   {dir}/.cache/huggingface/download/{file}.{etag}.incomplete
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace llmctl::hub {

struct LocalDirPaths {
  std::filesystem::path file;
  std::filesystem::path metadata;
  std::filesystem::path lock;
  std::filesystem::path incomplete(const std::string& etag) const;
};

// Computes the paths (writes nothing); throws if `filename` would escape `dir`.
LocalDirPaths local_dir_paths(const std::filesystem::path& dir, const std::string& filename);
// Creates the directories the paths need and the .gitignore that keeps
// .cache/huggingface out of git.
void prepare_local_dir(const std::filesystem::path& dir, const LocalDirPaths& paths);

struct LocalDirMetadata {
  std::string commit;
  std::string etag;
  double timestamp = 0;
};

// The metadata of a file, or nothing when absent, unreadable, or older than
// the file (edited since download: it no longer describes it).
std::optional<LocalDirMetadata> read_local_metadata(const LocalDirPaths& paths);
void write_local_metadata(const LocalDirPaths& paths, const std::string& commit, const std::string& etag);

}  // namespace llmctl::hub
