#include "hub/cache.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace llmctl::hub;
namespace fs = std::filesystem;

namespace {

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::string kEtag = "ce013625030ba8dba906f756967f9e9ca394464a";
const RepoId kRepo{"org/model"};

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("cache paths follow huggingface_hub's layout") {
  const CacheDir cache("/c");
  CHECK(cache.repo_dir(kRepo) == "/c/models--org--model");
  CHECK(cache.blob_path(kRepo, kEtag) == "/c/models--org--model/blobs/" + kEtag);
  CHECK(cache.incomplete_path(kRepo, kEtag) == "/c/models--org--model/blobs/" + kEtag + ".incomplete");
  CHECK(cache.lock_path(kRepo, kEtag) == "/c/.locks/models--org--model/" + kEtag + ".lock");
  CHECK(cache.pointer_path(kRepo, kCommit, "a/b.json") == "/c/models--org--model/snapshots/" + kCommit + "/a/b.json");
}

TEST_CASE("hostile file names and etags are refused") {
  const CacheDir cache("/c");
  CHECK_THROWS_AS(cache.pointer_path(kRepo, kCommit, "../x"), llmctl::Error);
  CHECK_THROWS_AS(cache.pointer_path(kRepo, kCommit, "/etc/passwd"), llmctl::Error);
  CHECK_THROWS_AS(cache.blob_path(kRepo, "../../x"), llmctl::Error);
  CHECK_THROWS_AS(cache.snapshot_dir(kRepo, "main"), llmctl::Error);
  CHECK(is_safe_etag(kEtag));
  CHECK_FALSE(is_safe_etag(".."));
  CHECK_FALSE(is_safe_etag("a/b"));
  CHECK_FALSE(is_safe_etag(""));
}

TEST_CASE("refs are written once, without a newline, and resolve to commits") {
  const llmctl::test::TempDir dir;
  const CacheDir cache(dir.path());
  CHECK_FALSE(cache.resolve_commit(kRepo, "main").has_value());
  CHECK(cache.resolve_commit(kRepo, kCommit) == kCommit);
  cache.write_ref(kRepo, "main", kCommit);
  cache.write_ref(kRepo, "refs/pr/1", kCommit);
  cache.write_ref(kRepo, kCommit, kCommit);  // a commit gets no ref
  std::ifstream in(cache.repo_dir(kRepo) / "refs" / "main");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text == kCommit);
  CHECK(cache.resolve_commit(kRepo, "refs/pr/1") == kCommit);
  CHECK_FALSE(fs::exists(cache.repo_dir(kRepo) / "refs" / kCommit));
  CHECK_FALSE(cache.resolve_commit(kRepo, "../escape").has_value());
}

TEST_CASE("snapshot files are relative symlinks into blobs") {
  const llmctl::test::TempDir dir;
  const CacheDir cache(dir.path());
  write(cache.blob_path(kRepo, kEtag), "hello\n");
  cache.link_snapshot(kRepo, kCommit, "config.json", kEtag);
  cache.link_snapshot(kRepo, kCommit, "sub/dir/tok.json", kEtag);
  cache.link_snapshot(kRepo, kCommit, "config.json", kEtag);  // again: replaced atomically

  const fs::path top = cache.pointer_path(kRepo, kCommit, "config.json");
  CHECK(fs::is_symlink(top));
  CHECK(fs::read_symlink(top) == fs::path("../../blobs") / kEtag);
  CHECK(fs::read_symlink(cache.pointer_path(kRepo, kCommit, "sub/dir/tok.json")) ==
        fs::path("../../../../blobs") / kEtag);
  CHECK(cache.snapshot_files(kRepo, kCommit) == std::vector<std::string>{"config.json", "sub/dir/tok.json"});
  // No temporary names are left behind.
  CHECK(std::distance(fs::directory_iterator(cache.snapshot_dir(kRepo, kCommit)), fs::directory_iterator()) == 2);
}

TEST_CASE("find_cached_file goes through refs and ignores dangling links") {
  const llmctl::test::TempDir dir;
  const CacheDir cache(dir.path());
  CHECK_FALSE(find_cached_file(cache, kRepo, "main", "config.json").has_value());
  write(cache.blob_path(kRepo, kEtag), "hello\n");
  cache.link_snapshot(kRepo, kCommit, "config.json", kEtag);
  cache.link_snapshot(kRepo, kCommit, "missing.bin", std::string(64, 'b'));  // no such blob
  CHECK_FALSE(find_cached_file(cache, kRepo, "main", "config.json").has_value());  // no ref yet
  cache.write_ref(kRepo, "main", kCommit);
  CHECK(find_cached_file(cache, kRepo, "main", "config.json") == cache.pointer_path(kRepo, kCommit, "config.json"));
  CHECK(find_cached_file(cache, kRepo, kCommit, "config.json").has_value());
  CHECK_FALSE(find_cached_file(cache, kRepo, "main", "missing.bin").has_value());
  CHECK_FALSE(find_cached_file(cache, kRepo, "main", "../refs/main").has_value());
  CHECK(cache.snapshot_files(kRepo, kCommit) == std::vector<std::string>{"config.json"});
}

TEST_CASE("write_file_atomic replaces a file whole") {
  const llmctl::test::TempDir dir;
  write_file_atomic(dir.path() / "f", "one");
  write_file_atomic(dir.path() / "f", "two");
  std::ifstream in(dir.path() / "f");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text == "two");
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}
