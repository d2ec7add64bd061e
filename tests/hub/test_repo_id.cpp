#include "hub/repo_id.hpp"

#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace llmctl::hub;

TEST_CASE("repo ids become huggingface_hub's cache folder names") {
  CHECK(RepoId{"Qwen/Qwen3-1.7B"}.folder_name() == "models--Qwen--Qwen3-1.7B");
  CHECK(RepoId{"gpt2"}.folder_name() == "models--gpt2");
}

TEST_CASE("repo id validation follows huggingface_hub") {
  CHECK(is_valid_repo_id("Qwen/Qwen3-1.7B"));
  CHECK(is_valid_repo_id("gpt2"));
  CHECK(is_valid_repo_id("a_b/c.d-e"));
  CHECK_FALSE(is_valid_repo_id(""));
  CHECK_FALSE(is_valid_repo_id("a/b/c"));
  CHECK_FALSE(is_valid_repo_id("a--b/c"));
  CHECK_FALSE(is_valid_repo_id("a/../b"));
  CHECK_FALSE(is_valid_repo_id("../x"));
  CHECK_FALSE(is_valid_repo_id("org/name.git"));
  CHECK_FALSE(is_valid_repo_id("org/-name"));
  CHECK_FALSE(is_valid_repo_id("org/na me"));
  CHECK_FALSE(is_valid_repo_id("/abs"));
  CHECK_FALSE(is_valid_repo_id(std::string(97, 'a')));
}

TEST_CASE("org/name[@revision] parses, and malformed ids are usage errors") {
  const RepoRef plain = parse_repo_ref("Qwen/Qwen3-1.7B");
  CHECK(plain.repo.id == "Qwen/Qwen3-1.7B");
  CHECK_FALSE(plain.revision.has_value());
  const RepoRef pinned = parse_repo_ref("org/name@refs/pr/1");
  CHECK(pinned.repo.id == "org/name");
  CHECK(pinned.revision == "refs/pr/1");
  for (const char* bad : {"org/name@", "org/name@../x", "not a model", "org/name@/abs"}) {
    try {
      parse_repo_ref(bad);
      FAIL("accepted " << bad);
    } catch (const llmctl::Error& e) {
      CHECK(e.code() == llmctl::ExitCode::usage);
    }
  }
}

TEST_CASE("commit hashes are 40 lower-case hex digits") {
  CHECK(is_commit_hash("0123456789abcdef0123456789abcdef01234567"));
  CHECK_FALSE(is_commit_hash("0123456789ABCDEF0123456789abcdef01234567"));
  CHECK_FALSE(is_commit_hash("main"));
  CHECK_FALSE(is_commit_hash("0123456789abcdef"));
}

TEST_CASE("names from the server must stay relative and inside") {
  CHECK(is_safe_relative_path("config.json"));
  CHECK(is_safe_relative_path("sub/dir/file.bin"));
  CHECK(is_safe_relative_path("..hidden"));
  for (const char* bad : {"", "../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", ".", "a/", "a\\..\\b", "..",
                          "x/.."})
    CHECK_MESSAGE(!is_safe_relative_path(bad), bad);
  CHECK_FALSE(is_safe_relative_path(std::string("a\0b", 3)));
}

TEST_CASE("url_encode keeps unreserved bytes and optionally '/'") {
  CHECK(url_encode("refs/pr/1", false) == "refs%2Fpr%2F1");
  CHECK(url_encode("dir/a b+c.json", true) == "dir/a%20b%2Bc.json");
  CHECK(url_encode("é", true) == "%C3%A9");
}
