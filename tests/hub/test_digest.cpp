#include "hub/digest.hpp"

#include <doctest/doctest.h>

using namespace llmctl::hub;

TEST_CASE("sha256 and sha1 match known vectors, fed in pieces") {
  Digest sha256(Digest::Algorithm::sha256);
  sha256.update("a");
  sha256.update("bc");
  CHECK(sha256.hex_final() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Digest sha1(Digest::Algorithm::sha1);
  sha1.update("abc");
  CHECK(sha1.hex_final() == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_CASE("a 40-hex ETag is checked as a git blob id") {
  const BlobCheck check = blob_check_for("CE013625030BA8DBA906F756967F9E9CA394464A");
  REQUIRE(check.kind == BlobCheck::Kind::git_blob);
  auto digest = start_digest(check, 6);
  digest->update("hello\n");
  CHECK(digest->hex_final() == check.expected);  // `git hash-object` of "hello\n"
}

TEST_CASE("a 64-hex ETag is a sha256; anything else leaves only the size") {
  CHECK(blob_check_for(std::string(64, 'a')).kind == BlobCheck::Kind::sha256);
  CHECK(blob_check_for("abc-123").kind == BlobCheck::Kind::size_only);
  CHECK(start_digest(blob_check_for("abc-123"), 10) == nullptr);
}
