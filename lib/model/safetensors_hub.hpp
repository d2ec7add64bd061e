// A checkpoint on the Hugging Face Hub as CheckpointFiles: small files through
// the cache (hub::fetch_file_text), shard headers from the cached copy when
// there is one, else by HTTP Range requests. No weights are downloaded.
#pragma once

#include "hub/api.hpp"
#include "hub/remote.hpp"
#include "hub/repo_id.hpp"
#include "model/safetensors.hpp"

#include <string>
#include <vector>

namespace llmctl {

// `files` is the repository listing at `commit` (hub::HubClient::list_files).
// The client must outlive the result.
CheckpointFiles hub_checkpoint_files(hub::HubClient& client, const hub::RepoId& repo, const std::string& commit,
                                     const std::vector<hub::RepoFile>& files);

struct HubCheckpoint {
  Checkpoint checkpoint;
  std::string commit;
  hub::Source source = hub::Source::hub;  // cache: offline, or the Hub unreachable
};

// The headers of `repo` at `revision`: asks the Hub for the commit and the
// file list (shards already cached are read locally, the others by Range
// requests); offline (HF_HUB_OFFLINE) or with the Hub unreachable, reads the
// cached snapshot. Throws Error when neither can answer.
HubCheckpoint read_hub_checkpoint(hub::HubClient& client, const hub::RepoId& repo, const std::string& revision);

}  // namespace llmctl
