// Single files from a repository, for the commands that need a few small files
// (config.json, an index) or a few bytes of a big one (safetensors headers)
// rather than a whole snapshot. Both honour HF_HUB_OFFLINE and say whether
// the cache or the Hub answered.
#pragma once

#include "hub/api.hpp"
#include "hub/http.hpp"
#include "hub/repo_id.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace llmctl::hub {

enum class Source { cache, hub };
const char* source_name(Source source);  // "cache", "hub"

struct FetchedFile {
  std::filesystem::path path;  // the snapshot symlink in the cache
  std::string commit;
  Source source = Source::hub;  // cache: no byte was downloaded
};

// huggingface_hub's hf_hub_download: the cached copy when the revision is a
// cached commit, or when offline (HF_HUB_OFFLINE) or the Hub is unreachable
// and the cache knows the revision; otherwise asks the Hub which commit and
// blob the revision names (HEAD) and downloads the blob into the cache if it
// is missing. Throws HubUnreachable when the Hub could not be asked (offline,
// or unreachable) and the cache cannot answer; Error for the Hub's own
// answers (gated, not found, ...).
FetchedFile fetch_file(HubClient& client, const RepoId& repo, const std::string& revision,
                       const std::string& filename, const CancelCheck& cancel = {});

// fetch_file, then the file's contents (for small text files: at most 64 MiB).
struct FetchedText {
  std::string text;
  FetchedFile file;
};
FetchedText fetch_file_text(HubClient& client, const RepoId& repo, const std::string& revision,
                            const std::string& filename);

// Reads byte ranges of a remote file with HTTP Range requests, so a header
// can be read without downloading the rest. Follows the Hub's redirect to
// the CDN once and goes straight there afterwards. Not thread-safe.
class RemoteFile {
 public:
  RemoteFile(const HubClient& client, RepoId repo, std::string revision, std::string filename);

  // Exactly `length` bytes at `offset`; throws Error when the file is shorter,
  // the request fails, or the server ignores the range past offset 0.
  std::string read(std::uint64_t offset, std::uint64_t length);
  std::uint64_t bytes_received() const { return received_; }

 private:
  const HubClient& client_;
  RepoId repo_;
  std::string revision_;
  std::string filename_;
  std::string url_;  // the resolve URL, then the CDN URL it redirected to
  HttpSession session_;
  std::uint64_t received_ = 0;
};

// A range reader as a plain function (what lib/model's safetensors reader takes).
using RangeFetch = std::function<std::string(std::uint64_t offset, std::uint64_t length)>;
RangeFetch remote_range_fetch(const HubClient& client, const RepoId& repo, const std::string& revision,
                              const std::string& filename);

}  // namespace llmctl::hub
