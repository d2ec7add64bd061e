// HubClient: the explicit context of every Hub call (endpoint, token, cache
// location, timeouts) and the model API: repository info, file listing, file
// metadata, and GETs that follow redirects without leaking the token.
#pragma once

#include "hub/http.hpp"
#include "hub/repo_id.hpp"
#include "hub/settings.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::hub {

struct RepoInfo {
  std::string commit;  // the 40-hex commit the revision points to
  std::string gated;   // "false", "auto" or "manual"
  bool is_private = false;
};

// One file of a repository, from the tree listing.
struct RepoFile {
  std::string path;                   // '/'-separated, relative to the repo root
  std::uint64_t size = 0;             // real size (for LFS files, the LFS object's)
  std::string blob_id;                // git blob sha1
  std::optional<std::string> sha256;  // LFS files only

  bool is_lfs() const { return sha256.has_value(); }
  // What the cache names the blob after, as the Hub's ETag would.
  const std::string& etag() const { return sha256 ? *sha256 : blob_id; }
};

// What a HEAD on /{repo}/resolve/{revision}/{file} says.
struct FileMetadata {
  std::string commit;    // X-Repo-Commit
  std::string etag;      // X-Linked-Etag (LFS) or ETag, normalized
  std::uint64_t size = 0;  // X-Linked-Size (LFS) or Content-Length
  std::string location;  // where the bytes are (a CDN URL for LFS files)
};

class HubClient {
 public:
  explicit HubClient(HubSettings settings);

  const HubSettings& settings() const { return settings_; }

  // GET /api/models/{id}/revision/{revision}. Throws Error on failure.
  RepoInfo repo_info(const RepoId& repo, const std::string& revision);
  // GET /api/models/{id}/tree/{revision}?recursive=true, all pages; files only.
  std::vector<RepoFile> list_files(const RepoId& repo, const std::string& revision);
  // HEAD /{id}/resolve/{revision}/{file}, following only same-host redirects
  // (a renamed repo), as huggingface_hub does.
  FileMetadata file_metadata(const RepoId& repo, const std::string& revision, const std::string& filename);

  // {endpoint}/{id}/resolve/{revision}/{file}
  std::string resolve_url(const RepoId& repo, const std::string& revision, const std::string& filename) const;

  // Performs `request`, following up to 5 redirects. The token is sent only
  // to the endpoint's origin, never to a CDN another origin redirects to.
  // Thread-safe as long as each thread passes its own session.
  HttpResponse fetch(HttpSession& session, HttpRequest request, const BodySink& sink = {},
                     const CancelCheck& cancel = {}) const;

  // A request with the Hub's headers (Accept-Encoding: identity, so ETags and
  // sizes describe the stored bytes) and the metadata timeouts.
  HttpRequest request(const std::string& url) const;

 private:
  HttpResponse get_json(const std::string& url);

  HubSettings settings_;
  std::string endpoint_origin_;
  HttpSession session_;  // for the metadata calls above; downloads bring their own
};

// An ETag header value as a blob name: W/ prefix and quotes removed.
std::string normalize_etag(std::string_view raw);

}  // namespace llmctl::hub
