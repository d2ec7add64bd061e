// Incremental SHA-256 and SHA-1 (OpenSSL libcrypto) to check downloads against
// the ids the Hub publishes: an LFS file's ETag is the sha256 of its bytes, a
// regular file's is its git blob id, sha1("blob <size>\0" + bytes).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace llmctl::hub {

class Digest {
 public:
  enum class Algorithm { sha1, sha256 };

  explicit Digest(Algorithm algorithm);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;

  void update(std::string_view bytes);
  // Lower-case hex; the digest cannot be updated afterwards.
  std::string hex_final();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Hashes a file while another thread appends to it, reading back what was
// written (from the page cache) on a thread of its own. Checking a download
// thus overlaps receiving it, with no buffer copied or queued on the
// receiving thread: sha256 runs at about the speed of a fast network, and in
// line it would cap a pull well under curl's throughput.
class FileTailDigest {
 public:
  // Hashes `fd` from offset 0; `fd` must stay open until hex_final().
  FileTailDigest(int fd, std::unique_ptr<Digest> digest);
  ~FileTailDigest();
  FileTailDigest(const FileTailDigest&) = delete;
  FileTailDigest& operator=(const FileTailDigest&) = delete;

  // The file now holds bytes up to `end`.
  void written_up_to(std::uint64_t end);
  // Waits until bytes [0, end) are hashed; throws if reading them failed.
  std::string hex_final(std::uint64_t end);

 private:
  void run();

  int fd_;
  std::unique_ptr<Digest> digest_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t available_ = 0;
  std::uint64_t hashed_ = 0;
  bool closing_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// What checks a blob named after `etag`: a 64-hex ETag is a sha256 of the
// content, a 40-hex one a git blob id (whose hash starts with the git header
// for `size`); anything else leaves only the size to check.
struct BlobCheck {
  enum class Kind { size_only, sha256, git_blob } kind = Kind::size_only;
  std::string expected;  // lower-case hex
};
BlobCheck blob_check_for(std::string_view etag);

// A Digest primed for `check` over a file of `size` bytes (nullptr for size_only).
std::unique_ptr<Digest> start_digest(const BlobCheck& check, std::uint64_t size);

}  // namespace llmctl::hub
