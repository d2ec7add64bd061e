#include "sizing/source.hpp"

#include "hub/api.hpp"
#include "hub/cache.hpp"
#include "hub/errors.hpp"
#include "hub/remote.hpp"
#include "hub/repo_id.hpp"
#include "hub/settings.hpp"
#include "model/resolve.hpp"
#include "model/safetensors_hub.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace llmctl {

namespace fs = std::filesystem;

namespace {

// `org/name[@rev]` typed as such (not a path, not a bare alias).
bool typed_hf_id(std::string_view ref) {
  std::error_code ec;
  if (fs::exists(fs::path(std::string(ref)), ec)) return false;
  const std::string id(ref.substr(0, ref.find('@')));
  return std::count(id.begin(), id.end(), '/') == 1 && hub::is_valid_repo_id(id);
}

bool has_safetensors(const fs::path& dir) {
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return false;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".safetensors" || e.path().filename() == "model.safetensors.index.json") return true;
  return false;
}

// Config errors of a model the user pointed at are bad input: exit 2.
[[noreturn]] void rethrow_as_usage(const Error& e) {
  if (e.code() == ExitCode::runtime) throw usage_error(e.what(), e.hint());
  throw e;
}

void read_hub_headers(LoadedModel& m, const hub::RepoRef& ref, hub::HubClient& client, const LogLine& log) {
  const std::string revision = ref.revision.value_or(hub::kDefaultRevision);
  log(fmt::format("reading safetensors headers of {}@{} from {}", ref.repo.id, revision, client.settings().endpoint));
  const std::string commit = client.repo_info(ref.repo, revision).commit;
  const auto files = client.list_files(ref.repo, commit);
  for (const auto& f : files) hub::check_safe_filename(f.path, ref.repo);
  m.checkpoint = read_checkpoint(hub_checkpoint_files(client, ref.repo, commit, files));
  m.headers_kind = "hub_headers";
  m.headers_source = fmt::format("hub {}@{}", ref.repo.id, commit.substr(0, 12));
}

}  // namespace

HeaderPolicy parse_header_policy(std::string_view name) {
  if (name == "auto" || name.empty()) return HeaderPolicy::automatic;
  if (name == "config") return HeaderPolicy::config;
  if (name == "local") return HeaderPolicy::local;
  if (name == "hub") return HeaderPolicy::hub;
  throw usage_error(fmt::format("unknown --weights-from '{}'", name), "use auto, config, local or hub");
}

const std::vector<std::string>& header_policy_names() {
  static const std::vector<std::string> names = {"auto", "config", "local", "hub"};
  return names;
}

LoadedModel load_model(std::string_view reference, HeaderPolicy policy, const LogLine& log) {
  LoadedModel m;
  const bool hf_id = typed_hf_id(reference);
  const hub::Env env = hub::process_env();
  std::optional<hub::HubClient> client;
  const auto hub_client = [&]() -> hub::HubClient& {
    if (!client) client.emplace(hub::HubSettings::from_env(env));
    return *client;
  };
  fs::path model_dir;
  const auto take = [&](const ResolvedModel& r) {
    m.name = r.name;
    m.config_source_kind = source_kind_name(r.source);
    m.config_source = r.source_detail;
    m.config = r.config;
    model_dir = r.model_dir;
  };
  const Catalog catalog = Catalog::embedded();
  try {
    take(resolve_model(reference, catalog, env));
  } catch (const Error& e) {
    // An org/name neither in the catalog nor in the cache: its config.json from the Hub.
    if (!(hf_id && e.code() == ExitCode::usage && policy != HeaderPolicy::config && policy != HeaderPolicy::local))
      rethrow_as_usage(e);
    log(fmt::format("{} is not in the catalog or the cache: fetching its config.json", reference));
    take(resolve_from_hub(reference, catalog, hub_client()));
  }

  if (policy == HeaderPolicy::config) return m;
  // Local files first: a directory given, or the HF cache snapshot.
  if (policy != HeaderPolicy::hub && has_safetensors(model_dir)) {
    try {
      m.checkpoint = read_checkpoint(local_checkpoint_files(model_dir));
      m.headers_kind = "local_headers";
      m.headers_source = model_dir.string();
      return m;
    } catch (const Error& e) {
      if (policy == HeaderPolicy::local) throw;
      m.notes.push_back(fmt::format("local safetensors headers unreadable ({}); weights computed from the config", e.what()));
    }
  }
  if (policy == HeaderPolicy::local)
    throw usage_error(fmt::format("no safetensors files for {} on this machine", m.name),
                      "download them with `llmctl pull " + m.name + "`, or use --weights-from auto");
  const bool want_hub = policy == HeaderPolicy::hub || (policy == HeaderPolicy::automatic && hf_id);
  if (!want_hub) return m;
  if (hub_client().settings().offline) {
    if (policy == HeaderPolicy::hub)
      throw usage_error("--weights-from hub, but HF_HUB_OFFLINE is set", "unset HF_HUB_OFFLINE or use --weights-from config");
    m.notes.push_back("HF_HUB_OFFLINE is set: weights computed from the config, not the Hub's safetensors headers");
    return m;
  }
  const std::string ref_text = m.config_source_kind == "catalog" && !hf_id ? m.name : std::string(reference);
  try {
    read_hub_headers(m, hub::parse_repo_ref(ref_text), hub_client(), log);
  } catch (const Error& e) {
    if (policy == HeaderPolicy::hub) throw;
    m.notes.push_back(fmt::format("the Hub's safetensors headers could not be read ({}); weights computed from the config",
                                  e.what()));
  }
  return m;
}

}  // namespace llmctl
