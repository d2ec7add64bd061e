#include "hub/local_dir.hpp"

#include "hub/cache.hpp"
#include "hub/repo_id.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <system_error>

namespace llmctl::hub {

namespace fs = std::filesystem;

std::filesystem::path LocalDirPaths::incomplete(const std::string& etag) const {
  fs::path path = metadata;
  path.replace_extension("." + etag + ".incomplete");
  return path;
}

LocalDirPaths local_dir_paths(const fs::path& dir, const std::string& filename) {
  if (!is_safe_relative_path(filename))
    throw runtime_error(fmt::format("refusing file name '{}' from the server: it would escape {}", filename,
                                    dir.string()),
                        "the repository (or a proxy) is malicious or broken; nothing was written");
  const fs::path hf_dir = dir / ".cache" / "huggingface";
  LocalDirPaths paths;
  paths.file = dir / fs::path(filename);
  paths.metadata = hf_dir / "download" / fs::path(filename + ".metadata");
  paths.lock = paths.metadata;
  paths.lock.replace_extension(".lock");
  return paths;
}

void prepare_local_dir(const fs::path& dir, const LocalDirPaths& paths) {
  const fs::path hf_dir = dir / ".cache" / "huggingface";
  fs::create_directories(paths.file.parent_path());
  fs::create_directories(paths.metadata.parent_path());
  if (!fs::exists(hf_dir / ".gitignore")) write_file_atomic(hf_dir / ".gitignore", "*");
}

std::optional<LocalDirMetadata> read_local_metadata(const LocalDirPaths& paths) {
  std::ifstream in(paths.metadata);
  LocalDirMetadata meta;
  if (!(in >> meta.commit >> meta.etag >> meta.timestamp)) return std::nullopt;
  std::error_code ec;
  const auto mtime = fs::last_write_time(paths.file, ec);
  if (ec) return std::nullopt;
  const auto since_epoch = std::chrono::file_clock::to_sys(mtime).time_since_epoch();
  const double file_time = std::chrono::duration<double>(since_epoch).count();
  if (file_time - 1 > meta.timestamp) return std::nullopt;  // 1 s slack, as huggingface_hub allows
  return meta;
}

void write_local_metadata(const LocalDirPaths& paths, const std::string& commit, const std::string& etag) {
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  write_file_atomic(paths.metadata, fmt::format("{}\n{}\n{:.3f}\n", commit, etag, now));
}

}  // namespace llmctl::hub
