#include "model/safetensors_hub.hpp"

#include "hub/cache.hpp"
#include "hub/errors.hpp"
#include "hub/remote.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>

namespace llmctl {

CheckpointFiles hub_checkpoint_files(hub::HubClient& client, const hub::RepoId& repo, const std::string& commit,
                                     const std::vector<hub::RepoFile>& files) {
  auto sizes = std::make_shared<std::map<std::string, std::uint64_t>>();
  CheckpointFiles out;
  for (const hub::RepoFile& f : files) {
    out.files.push_back(f.path);
    (*sizes)[f.path] = f.size;
  }
  out.read_text = [&client, repo, commit](const std::string& name) {
    return hub::fetch_file_text(client, repo, commit, name).text;
  };
  out.open = [&client, repo, commit](const std::string& name) -> RangeFetch {
    const hub::CacheDir cache(client.settings().cache_dir);
    if (const auto cached = hub::find_cached_file(cache, repo, commit, name)) return local_range_fetch(*cached);
    return hub::remote_range_fetch(client, repo, commit, name);
  };
  out.size = [sizes](const std::string& name) -> std::optional<std::uint64_t> {
    const auto it = sizes->find(name);
    if (it == sizes->end()) return std::nullopt;
    return it->second;
  };
  return out;
}

HubCheckpoint read_hub_checkpoint(hub::HubClient& client, const hub::RepoId& repo, const std::string& revision) {
  const hub::CacheDir cache(client.settings().cache_dir);
  const auto from_cache = [&](const std::string& why) {
    const auto commit = cache.resolve_commit(repo, revision);
    if (!commit)
      throw runtime_error(fmt::format("{}, and {}@{} is not in the cache", why, repo.id, revision),
                          "run it once while online (unset HF_HUB_OFFLINE)");
    return HubCheckpoint{read_checkpoint(local_checkpoint_files(cache.snapshot_dir(repo, *commit))), *commit,
                         hub::Source::cache};
  };
  if (client.settings().offline) return from_cache("offline mode is on (HF_HUB_OFFLINE)");
  try {
    const std::string commit = client.repo_info(repo, revision).commit;
    const auto files = client.list_files(repo, commit);
    for (const auto& f : files) hub::check_safe_filename(f.path, repo);
    return {read_checkpoint(hub_checkpoint_files(client, repo, commit, files)), commit, hub::Source::hub};
  } catch (const hub::HubUnreachable& e) {
    return from_cache(e.what());
  }
}

}  // namespace llmctl
