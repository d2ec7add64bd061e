#include "hub/remote.hpp"

#include "hub/cache.hpp"
#include "hub/download.hpp"
#include "hub/errors.hpp"
#include "hub/file_lock.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace llmctl::hub {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMaxTextFile = 64ull << 20;

FetchedFile from_cache_or_throw(const CacheDir& cache, const RepoId& repo, const std::string& revision,
                                const std::string& filename, const std::string& why) {
  if (const auto path = find_cached_file(cache, repo, revision, filename))
    return {*path, *cache.resolve_commit(repo, revision), Source::cache};
  // HubUnreachable still: a caller with another source (the built-in catalog) may use it.
  throw HubUnreachable(ExitCode::runtime,
                       fmt::format("{}, and '{}' of {}@{} is not in the cache at {}", why, filename, repo.id, revision,
                                   cache.root().string()),
                       "fetch it once while online (unset HF_HUB_OFFLINE), or check HF_HUB_CACHE");
}

FetchedFile fetch_into_cache(HubClient& client, const CacheDir& cache, const RepoId& repo, const std::string& revision,
                             const std::string& filename, const CancelCheck& cancel) {
  check_safe_filename(filename, repo);
  if (is_commit_hash(revision)) {
    if (auto path = find_cached_file(cache, repo, revision, filename)) return {*path, revision, Source::cache};
  }
  if (client.settings().offline)
    return from_cache_or_throw(cache, repo, revision, filename, "offline mode is on (HF_HUB_OFFLINE)");

  FileMetadata meta;
  try {
    meta = client.file_metadata(repo, revision, filename);
  } catch (const HubUnreachable& e) {
    return from_cache_or_throw(cache, repo, revision, filename, e.what());
  }
  if (!is_commit_hash(meta.commit)) throw runtime_error(fmt::format("the Hub sent an invalid commit '{}'", meta.commit));
  cache.write_ref(repo, revision, meta.commit);
  const fs::path pointer = cache.pointer_path(repo, meta.commit, filename);
  std::error_code ec;
  if (fs::is_regular_file(pointer, ec)) return {pointer, meta.commit, Source::cache};

  FileLock lock(cache.lock_path(repo, meta.etag), cancel);
  Source source = Source::cache;
  if (!fs::exists(cache.blob_path(repo, meta.etag), ec)) {
    const BlobTarget target{client.resolve_url(repo, meta.commit, filename), repo.id, filename,
                            cache.incomplete_path(repo, meta.etag), cache.blob_path(repo, meta.etag), meta.size,
                            meta.etag};
    HttpSession session;
    download_blob(client, session, target, TransferHooks{{}, {}, cancel, {}});
    source = Source::hub;
  }
  cache.link_snapshot(repo, meta.commit, filename, meta.etag);
  return {pointer, meta.commit, source};
}

}  // namespace

const char* source_name(Source source) { return source == Source::cache ? "cache" : "hub"; }

FetchedFile fetch_file(HubClient& client, const RepoId& repo, const std::string& revision,
                       const std::string& filename, const CancelCheck& cancel) {
  const CacheDir cache(client.settings().cache_dir);
  try {
    return fetch_into_cache(client, cache, repo, revision, filename, cancel);
  } catch (const fs::filesystem_error& e) {
    throw runtime_error(e.what(), "check the permissions and free space of the cache (HF_HUB_CACHE)");
  }
}

FetchedText fetch_file_text(HubClient& client, const RepoId& repo, const std::string& revision,
                            const std::string& filename) {
  FetchedText out{{}, fetch_file(client, repo, revision, filename)};
  std::error_code ec;
  if (fs::file_size(out.file.path, ec) > kMaxTextFile)
    throw runtime_error(fmt::format("'{}' of {} is too large to read as text", filename, repo.id));
  std::ifstream in(out.file.path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  out.text = text.str();
  return out;
}

RemoteFile::RemoteFile(const HubClient& client, RepoId repo, std::string revision, std::string filename)
    : client_(client),
      repo_(std::move(repo)),
      revision_(std::move(revision)),
      filename_(std::move(filename)),
      url_(client.resolve_url(repo_, revision_, filename_)) {}

std::string RemoteFile::read(std::uint64_t offset, std::uint64_t length) {
  if (client_.settings().offline)
    throw runtime_error(fmt::format("offline mode is on (HF_HUB_OFFLINE): cannot read '{}' of {} from the Hub",
                                    filename_, repo_.id),
                        "pull the model first, or unset HF_HUB_OFFLINE");
  std::string bytes;
  if (length == 0) return bytes;
  HttpRequest request = client_.request(url_);
  request.range_from = offset;
  request.range_to = offset + length - 1;
  bool ignored_range = false;
  // A server that ignores Range sends the whole file: keep the first bytes
  // when that is what was asked for, and hang up either way.
  const auto sink = [&](const HttpResponse& response, std::string_view chunk) {
    if (response.status == 200 && offset > 0) {
      ignored_range = true;
      return false;
    }
    bytes.append(chunk.substr(0, std::min<std::uint64_t>(chunk.size(), length - bytes.size())));
    return bytes.size() < length;
  };
  const HttpResponse response = client_.fetch(session_, request, sink);
  received_ += response.body_bytes;
  if (ignored_range)
    throw runtime_error(fmt::format("{} ignores HTTP Range requests; cannot read part of '{}'",
                                    url_origin(response.url), filename_));
  const bool complete = bytes.size() == length && (response.status == 200 || response.status == 206);
  if (!complete && (!response.ok() && response.error != TransportError::sink))
    throw_hub_error(response, {response.url, repo_.id, revision_, filename_}, client_.settings());
  if (!complete)
    throw runtime_error(fmt::format("'{}' of {} ends before byte {}", filename_, repo_.id, offset + length),
                        "the file is truncated or not what its name says");
  url_ = response.url;  // the CDN: later ranges skip the redirect
  return bytes;
}

RangeFetch remote_range_fetch(const HubClient& client, const RepoId& repo, const std::string& revision,
                              const std::string& filename) {
  auto file = std::make_shared<RemoteFile>(client, repo, revision, filename);
  return [file](std::uint64_t offset, std::uint64_t length) { return file->read(offset, length); };
}

}  // namespace llmctl::hub
