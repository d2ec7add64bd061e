#include "hub/download.hpp"

#include "hub/digest.hpp"
#include "hub/errors.hpp"
#include "util/error.hpp"
#include "util/units.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace llmctl::hub {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxAttemptsWithoutProgress = 5;

Error interrupted() { return Error(ExitCode::interrupted, "interrupted", "run the command again to resume"); }

// The .incomplete file, appended to.
class PartFile {
 public:
  explicit PartFile(const fs::path& path) : path_(path) {
    fs::create_directories(path.parent_path());
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) fail("cannot open");
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0) fail("cannot seek in");
    size_ = static_cast<std::uint64_t>(end);
  }
  ~PartFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  std::uint64_t size() const { return size_; }

  void append(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot write");
      bytes.remove_prefix(static_cast<std::size_t>(n));
      size_ += static_cast<std::uint64_t>(n);
    }
  }

  void truncate() {
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) fail("cannot truncate");
    size_ = 0;
  }

  int fd() const { return fd_; }

  void close() {
    if (fd_ >= 0 && ::close(fd_) != 0 && errno != EINTR) fail("cannot close");
    fd_ = -1;
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    const int err = errno;
    if (err == ENOSPC || err == EDQUOT)
      throw runtime_error(fmt::format("disk full while writing {}", path_.string()),
                          "free some space (or point HF_HUB_CACHE at a larger disk) and run the command again "
                          "to resume");
    throw runtime_error(fmt::format("{} {}: {}", what, path_.string(), std::strerror(err)),
                        "check the permissions of the cache directory (HF_HUB_CACHE)");
  }

  fs::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// "bytes 100-199/200" -> 100
std::optional<std::uint64_t> content_range_start(const std::string& value) {
  constexpr std::string_view kPrefix = "bytes ";
  if (!value.starts_with(kPrefix)) return std::nullopt;
  std::uint64_t start = 0;
  const char* first = value.data() + kPrefix.size();
  const auto [end, ec] = std::from_chars(first, value.data() + value.size(), start);
  if (ec != std::errc() || end == first || *end != '-') return std::nullopt;
  return start;
}

void sleep_unless_cancelled(std::chrono::milliseconds total, const CancelCheck& cancel) {
  for (auto slept = std::chrono::milliseconds(0); slept < total; slept += std::chrono::milliseconds(50)) {
    if (cancel && cancel()) throw interrupted();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Hashes `part` as it grows, starting with what it already holds (a resumed
// download); nullptr when the blob's ETag gives nothing to check but its size.
std::unique_ptr<FileTailDigest> start_hashing(const BlobCheck& check, std::uint64_t size, const PartFile& part) {
  std::unique_ptr<Digest> digest = start_digest(check, size);
  if (!digest) return nullptr;
  auto hashing = std::make_unique<FileTailDigest>(part.fd(), std::move(digest));
  hashing->written_up_to(part.size());
  return hashing;
}

void verify(const BlobTarget& t, PartFile& part, std::unique_ptr<FileTailDigest> digest, const BlobCheck& check) {
  if (part.size() != t.size)
    throw runtime_error(fmt::format("'{}' of {}: got {} bytes, expected {}", t.filename, t.repo, part.size(), t.size));
  if (!digest) return;
  const std::string actual = digest->hex_final(part.size());
  digest.reset();  // its thread reads `part`, which is closed next
  if (actual == check.expected) return;
  part.close();
  fs::remove(t.incomplete_path);
  const char* kind = check.kind == BlobCheck::Kind::sha256 ? "sha256" : "git blob id";
  throw runtime_error(fmt::format("checksum mismatch for '{}' of {}: expected {} {}, got {}", t.filename, t.repo, kind,
                                  check.expected, actual),
                      "the download was corrupted on the way and was deleted; run the command again");
}

}  // namespace

void download_blob(const HubClient& client, HttpSession& session, const BlobTarget& t, const TransferHooks& hooks) {
  const auto report = [&](std::int64_t delta) {
    if (hooks.on_bytes && delta != 0) hooks.on_bytes(delta);
  };
  const BlobCheck check = blob_check_for(t.etag);
  PartFile part(t.incomplete_path);
  if (part.size() > t.size) part.truncate();  // not a prefix of this blob: start over
  std::unique_ptr<FileTailDigest> digest = start_hashing(check, t.size, part);
  if (part.size() > 0 && hooks.log)
    hooks.log(fmt::format("resuming {} at {} of {}", t.filename, format_bytes(part.size()), format_bytes(t.size)));
  if (hooks.on_resume && part.size() > 0) hooks.on_resume(part.size());

  // Drops what the .incomplete file holds and the digest of it.
  const auto start_over = [&] {
    const auto dropped = static_cast<std::int64_t>(part.size());
    digest.reset();  // before its thread reads a truncated file
    part.truncate();
    digest = start_hashing(check, t.size, part);
    report(-dropped);
  };

  int attempts_without_progress = 0;
  while (part.size() < t.size) {
    HttpRequest request = client.request(t.url);
    request.stall_timeout_s = client.settings().download_timeout_s;
    const std::uint64_t start = part.size();
    if (start > 0) request.range_from = start;

    const auto sink = [&](const HttpResponse& response, std::string_view chunk) {
      if (part.size() == start && start > 0) {  // first chunk of a resumed transfer
        if (response.status == 200) {
          start_over();  // the server ignored the range and sends everything
        } else if (content_range_start(response.header("content-range")) != start) {
          throw runtime_error(fmt::format("the server answered a request for '{}' from byte {} with {}", t.filename,
                                          start, response.header("content-range")));
        }
      }
      if (part.size() + chunk.size() > t.size)
        throw runtime_error(fmt::format("the server sent more than the {} bytes of '{}'", t.size, t.filename));
      part.append(chunk);
      if (digest) digest->written_up_to(part.size());
      report(static_cast<std::int64_t>(chunk.size()));
      return true;
    };
    const HttpResponse response = client.fetch(session, request, sink, hooks.cancel);

    if (response.error == TransportError::cancelled) throw interrupted();
    const RequestContext context{t.url, t.repo, {}, t.filename};
    const bool retryable = response.error == TransportError::interrupted ||
                           response.error == TransportError::timeout || response.error == TransportError::connect ||
                           (response.error == TransportError::none && (response.status >= 500 || response.ok()));
    if (response.error == TransportError::none && response.status == 416 && start > 0) {
      start_over();  // the server has fewer bytes than our prefix: it is not this blob's
    } else if (!retryable) {
      throw_hub_error(response, context, client.settings());
    }
    if (part.size() >= t.size) break;

    attempts_without_progress = part.size() > start ? 1 : attempts_without_progress + 1;
    if (attempts_without_progress > kMaxAttemptsWithoutProgress) {
      if (response.error != TransportError::none) throw_hub_error(response, context, client.settings());
      throw runtime_error(fmt::format("the download of '{}' of {} stops at {} of {} bytes", t.filename, t.repo,
                                      part.size(), t.size),
                          "the server's copy looks truncated; try again later (the partial file is kept)");
    }
    if (hooks.log)
      hooks.log(fmt::format("{}: transfer stopped at {} of {} ({}); resuming", t.filename, format_bytes(part.size()),
                            format_bytes(t.size),
                            response.error_message.empty() ? "body ended early" : response.error_message));
    sleep_unless_cancelled(std::chrono::milliseconds(100 << std::min(attempts_without_progress - 1, 4)), hooks.cancel);
  }

  verify(t, part, std::move(digest), check);
  part.close();
  fs::create_directories(t.final_path.parent_path());
  fs::rename(t.incomplete_path, t.final_path);
}

}  // namespace llmctl::hub
