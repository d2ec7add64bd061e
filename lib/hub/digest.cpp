#include "hub/digest.hpp"

#include "util/error.hpp"

#include <openssl/evp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <vector>
#include <stdexcept>

namespace llmctl::hub {

struct Digest::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

Digest::Digest(Algorithm algorithm) : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == Algorithm::sha256 ? EVP_sha256() : EVP_sha1();
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, md, nullptr) != 1)
    throw std::runtime_error("cannot initialise an OpenSSL digest");
}

Digest::~Digest() = default;
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

void Digest::update(std::string_view bytes) {
  if (EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size()) != 1)
    throw std::runtime_error("OpenSSL digest update failed");
}

std::string Digest::hex_final() {
  unsigned char raw[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(state_->ctx, raw, &length) != 1) throw std::runtime_error("OpenSSL digest final failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[raw[i] >> 4];
    hex += kHex[raw[i] & 15];
  }
  return hex;
}

FileTailDigest::FileTailDigest(int fd, std::unique_ptr<Digest> digest)
    : fd_(fd), digest_(std::move(digest)), thread_([this] { run(); }) {}

FileTailDigest::~FileTailDigest() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void FileTailDigest::written_up_to(std::uint64_t end) {
  {
    std::lock_guard lock(mutex_);
    available_ = end;
  }
  changed_.notify_all();
}

namespace {

// Hashes [offset, offset + length) of `fd` straight from the page cache
// through a mapping (no copy: the download was just written there), falling
// back to pread where the file cannot be mapped. Returns the bytes hashed.
std::size_t hash_range(int fd, std::uint64_t offset, std::size_t length, Digest& digest, std::vector<char>& buffer) {
  static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t aligned = offset / page * page;
  const std::size_t span = static_cast<std::size_t>(offset - aligned) + length;
  void* map = ::mmap(nullptr, span, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, static_cast<off_t>(aligned));
  if (map != MAP_FAILED) {
    digest.update(std::string_view(static_cast<const char*>(map) + (offset - aligned), length));
    ::munmap(map, span);
    return length;
  }
  const ssize_t n = ::pread(fd, buffer.data(), std::min(length, buffer.size()), static_cast<off_t>(offset));
  if (n < 0 && errno == EINTR) return 0;
  if (n <= 0)
    throw runtime_error(std::string("cannot read back a download to check it: ") +
                        (n < 0 ? std::strerror(errno) : "the file shrank"));
  digest.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  return static_cast<std::size_t>(n);
}

}  // namespace

void FileTailDigest::run() {
  constexpr std::uint64_t kStep = 16u << 20;
  std::vector<char> buffer(1 << 20);
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return closing_ || (hashed_ < available_ && !error_); });
    if (closing_) return;  // hex_final() is done, or the download was abandoned
    const std::uint64_t offset = hashed_;
    const auto length = static_cast<std::size_t>(std::min(kStep, available_ - offset));
    lock.unlock();
    std::size_t done = 0;
    std::exception_ptr error;
    try {
      done = hash_range(fd_, offset, length, *digest_, buffer);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    hashed_ += done;
    error_ = error;
    changed_.notify_all();
  }
}

std::string FileTailDigest::hex_final(std::uint64_t end) {
  written_up_to(end);
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return hashed_ >= end || error_; });
  if (error_) std::rethrow_exception(error_);
  return digest_->hex_final();
}

BlobCheck blob_check_for(std::string_view etag) {
  const bool hex = std::all_of(etag.begin(), etag.end(),
                               [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
  std::string lower(etag);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (hex && etag.size() == 64) return {BlobCheck::Kind::sha256, lower};
  if (hex && etag.size() == 40) return {BlobCheck::Kind::git_blob, lower};
  return {};
}

std::unique_ptr<Digest> start_digest(const BlobCheck& check, std::uint64_t size) {
  switch (check.kind) {
    case BlobCheck::Kind::sha256: return std::make_unique<Digest>(Digest::Algorithm::sha256);
    case BlobCheck::Kind::git_blob: {
      auto digest = std::make_unique<Digest>(Digest::Algorithm::sha1);
      const std::string header = "blob " + std::to_string(size);
      digest->update(std::string_view(header.c_str(), header.size() + 1));  // with its NUL
      return digest;
    }
    case BlobCheck::Kind::size_only: break;
  }
  return nullptr;
}

}  // namespace llmctl::hub
