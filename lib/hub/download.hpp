// One blob from the Hub onto disk, safely: bytes go to an ".incomplete" file,
// an interrupted transfer resumes with a Range request, the result is checked
// (size, then sha256 for LFS files or the git blob id for the others) and only
// then renamed into place. A crash, Ctrl-C or full disk therefore leaves at
// most an .incomplete file, never a file that looks complete.
#pragma once

#include "hub/api.hpp"
#include "hub/http.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace llmctl::hub {

struct BlobTarget {
  std::string url;       // the resolve URL, at a commit
  std::string repo;      // for messages
  std::string filename;  // for messages
  std::filesystem::path incomplete_path;
  std::filesystem::path final_path;
  std::uint64_t size = 0;
  std::string etag;  // chooses the content check (see blob_check_for)
};

struct TransferHooks {
  // Bytes received into the .incomplete file (negative when a download had
  // to start over and dropped what it had).
  std::function<void(std::int64_t delta)> on_bytes;
  // Bytes found already in the .incomplete file from an earlier run.
  std::function<void(std::uint64_t bytes)> on_resume;
  CancelCheck cancel;                            // true: stop, leaving the .incomplete file
  std::function<void(const std::string&)> log;  // notices such as "resuming at ..."
};

// Retries a dropped or stalled transfer (resuming, with backoff) up to 5
// times in a row without progress. The caller holds the blob's lock.
// Throws Error: network failures, HTTP errors, a size or checksum mismatch
// (the bad .incomplete file is deleted), disk full, or interrupted (130).
void download_blob(const HubClient& client, HttpSession& session, const BlobTarget& target,
                   const TransferHooks& hooks);

}  // namespace llmctl::hub
