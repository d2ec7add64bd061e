#include "hub/local_dir.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace llmctl::hub;
namespace fs = std::filesystem;

TEST_CASE("local-dir paths match huggingface_hub's _local_folder layout") {
  const llmctl::test::TempDir dir;
  const LocalDirPaths p = local_dir_paths(dir.path(), "sub/model.safetensors");
  const fs::path hf = dir.path() / ".cache" / "huggingface";
  CHECK_FALSE(fs::exists(hf));  // computing paths writes nothing
  prepare_local_dir(dir.path(), p);
  CHECK(fs::is_directory(p.metadata.parent_path()));
  CHECK(p.file == dir.path() / "sub" / "model.safetensors");
  CHECK(p.metadata == hf / "download" / "sub" / "model.safetensors.metadata");
  CHECK(p.lock == hf / "download" / "sub" / "model.safetensors.lock");
  CHECK(p.incomplete("abc") == hf / "download" / "sub" / "model.safetensors.abc.incomplete");
  std::ifstream gitignore(hf / ".gitignore");
  std::string text((std::istreambuf_iterator<char>(gitignore)), {});
  CHECK(text == "*");
  CHECK_THROWS_AS(local_dir_paths(dir.path(), "../escape"), llmctl::Error);
}

TEST_CASE("metadata round-trips and goes stale when the file is newer") {
  const llmctl::test::TempDir dir;
  const LocalDirPaths p = local_dir_paths(dir.path(), "config.json");
  prepare_local_dir(dir.path(), p);
  CHECK_FALSE(read_local_metadata(p).has_value());
  std::ofstream(p.file) << "{}";
  write_local_metadata(p, "0123456789abcdef0123456789abcdef01234567", "etag1");
  const auto meta = read_local_metadata(p);
  REQUIRE(meta.has_value());
  CHECK(meta->commit == "0123456789abcdef0123456789abcdef01234567");
  CHECK(meta->etag == "etag1");
  fs::last_write_time(p.file, fs::file_time_type::clock::now() + std::chrono::hours(1));
  CHECK_FALSE(read_local_metadata(p).has_value());
}
