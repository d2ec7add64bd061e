#include "model/resolve.hpp"

#include "hub/cache.hpp"
#include "hub/errors.hpp"
#include "hub/remote.hpp"
#include "hub/repo_id.hpp"
#include "util/error.hpp"

#include <fmt/format.h>


namespace llmctl {

namespace fs = std::filesystem;

std::string source_kind_name(ModelSourceKind kind) {
  switch (kind) {
    case ModelSourceKind::catalog: return "catalog";
    case ModelSourceKind::config_file: return "config_file";
    case ModelSourceKind::local_dir: return "local_dir";
    case ModelSourceKind::hf_cache: return "hf_cache";
    case ModelSourceKind::hub: return "hub";
  }
  return "catalog";
}

namespace {

// An `org/name` Hub id (the cache is only searched for namespaced ids, so a
// mistyped alias is reported as unknown rather than as "not in the cache").
bool looks_like_hf_id(std::string_view id) {
  return id.find('/') != std::string_view::npos && hub::is_valid_repo_id(id);
}

std::string absolute_string(const fs::path& p) {
  std::error_code ec;
  const fs::path abs = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return (ec ? p : abs).string();
}

// The hint of an unknown-model error: close aliases, then where else to look.
std::string unknown_hint(std::string_view name, const Catalog& catalog, bool hub_id) {
  std::string hint;
  const auto close = catalog.suggest(name);
  if (!close.empty()) {
    hint = "did you mean ";
    for (std::size_t i = 0; i < close.size() && i < 3; ++i) hint += (i ? ", " : "") + close[i];
    hint += "? ";
  }
  if (hub_id)
    return hint + fmt::format("fetch it from the Hugging Face Hub with `llmctl pull {}`", name);
  return hint +
         "`llmctl models` lists the built-in catalog; a Hugging Face id (org/name) can be fetched with "
         "`llmctl pull org/name`; a model directory or a config.json path works too";
}

ResolvedModel from_path(std::string_view reference, const fs::path& path) {
  ResolvedModel r;
  r.name = std::string(reference);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const fs::path config = path / "config.json";
    if (!fs::is_regular_file(config, ec))
      throw usage_error(fmt::format("directory {} has no config.json", path.string()),
                        "point at a Hugging Face model directory (one holding config.json) or at a config.json");
    r.source = ModelSourceKind::local_dir;
    r.model_dir = absolute_string(path);
    r.source_detail = absolute_string(config);
    r.config = load_model_config(config);
    return r;
  }
  r.source = ModelSourceKind::config_file;
  r.source_detail = absolute_string(path);
  r.config = load_model_config(path);
  return r;
}

}  // namespace

fs::path hf_hub_cache_dir(const EnvLookup& env) { return hub::HubSettings::from_env(env).cache_dir; }

std::optional<fs::path> hf_cache_snapshot(std::string_view hf_id, std::string_view revision, const EnvLookup& env) {
  if (!hub::is_valid_repo_id(hf_id)) return std::nullopt;
  const fs::path root = hf_hub_cache_dir(env);
  if (root.empty()) return std::nullopt;
  // refs/<revision> -> commit -> snapshots/<commit>/config.json (hub/cache.hpp);
  // never touches the network.
  const std::string rev = revision.empty() ? hub::kDefaultRevision : std::string(revision);
  const auto config = hub::find_cached_file(hub::CacheDir(root), hub::RepoId{std::string(hf_id)}, rev, "config.json");
  if (!config) return std::nullopt;
  return config->parent_path();
}

ResolvedModel resolve_model(std::string_view reference, const Catalog& catalog) {
  return resolve_model(reference, catalog, hub::process_env());
}

ResolvedModel resolve_model(std::string_view reference, const Catalog& catalog, const EnvLookup& env) {
  if (reference.empty())
    throw usage_error("no model given",
                      "name a catalog alias (see `llmctl models`), a Hugging Face id (org/name) or a path");

  // 1. An existing path wins, even when it also looks like an alias or id.
  std::error_code ec;
  if (const fs::path path{std::string(reference)}; fs::exists(path, ec)) return from_path(reference, path);

  // 2. The catalog, by alias or HF id (an "@revision" suffix is kept aside).
  std::string name(reference);
  std::string revision;
  if (const auto at = name.rfind('@'); at != std::string::npos && at > 0) {
    revision = name.substr(at + 1);
    name.resize(at);
    if (revision.empty())
      throw usage_error(fmt::format("model '{}' ends with '@' but names no revision", reference),
                        "write org/name@<branch, tag or commit>, or drop the '@'");
  }
  if (const CatalogEntry* entry = catalog.find(name)) {
    ResolvedModel r;
    r.name = entry->hf_id;
    r.source = ModelSourceKind::catalog;
    r.source_detail = fmt::format("built-in catalog ({})", entry->alias);
    r.catalog_entry = *entry;
    r.config = catalog.config(*entry);
    r.revision = revision;
    if (auto snapshot = hf_cache_snapshot(entry->hf_id, revision, env)) r.model_dir = *snapshot;
    return r;
  }

  // 3. An org/name id already in the local Hugging Face cache.
  if (looks_like_hf_id(name)) {
    if (auto snapshot = hf_cache_snapshot(name, revision, env)) {
      ResolvedModel r;
      r.name = name;
      r.source = ModelSourceKind::hf_cache;
      r.source_detail = (*snapshot / "config.json").string();
      r.config = load_model_config(*snapshot / "config.json");
      r.model_dir = *snapshot;
      r.revision = revision;
      return r;
    }
    const fs::path cache = hf_hub_cache_dir(env);
    throw usage_error(fmt::format("unknown model '{}': not in the built-in catalog and not in the Hugging Face "
                                  "cache ({})",
                                  reference, cache.empty() ? "no cache directory" : cache.string()),
                      unknown_hint(reference, catalog, true));
  }

  const bool path_like = reference.find('/') != std::string_view::npos || reference.ends_with(".json") ||
                         reference.front() == '.' || reference.front() == '~';
  if (path_like)
    throw usage_error(fmt::format("no such file or directory: {}", reference),
                      "give an existing model directory or config.json, a catalog alias or an HF id (org/name)");
  throw usage_error(fmt::format("unknown model '{}'", reference), unknown_hint(reference, catalog, false));
}

ResolvedModel resolve_model(std::string_view reference, const Catalog& catalog, hub::HubClient& client) {
  const EnvLookup env = hub::process_env();
  try {
    return resolve_model(reference, catalog, env);
  } catch (const Error& e) {
    std::error_code ec;
    const bool is_path = fs::exists(fs::path(std::string(reference)), ec);
    const std::string_view id = reference.substr(0, reference.rfind('@'));
    if (e.code() != ExitCode::usage || is_path || !looks_like_hf_id(id)) throw;
  }
  return resolve_from_hub(reference, catalog, client);
}

ResolvedModel resolve_from_hub(std::string_view reference, const Catalog& catalog, hub::HubClient& client) {
  const hub::RepoRef ref = hub::parse_repo_ref(reference);
  const std::string revision = ref.revision.value_or(hub::kDefaultRevision);
  hub::FetchedText fetched;
  try {
    fetched = hub::fetch_file_text(client, ref.repo, revision, "config.json");
  } catch (const hub::HubUnreachable& e) {
    throw usage_error(fmt::format("unknown model '{}': not in the built-in catalog; {}",
                                  reference, e.what()),
                      unknown_hint(reference, catalog, true));
  }
  const std::string where = fmt::format("{}@{} config.json", ref.repo.id, fetched.file.commit.substr(0, 12));
  ResolvedModel r;
  r.name = ref.repo.id;
  r.source = fetched.file.source == hub::Source::hub ? ModelSourceKind::hub : ModelSourceKind::hf_cache;
  r.source_detail = fmt::format("Hugging Face {} ({})", fetched.file.source == hub::Source::hub ? "Hub" : "cache",
                                where);
  r.config = parse_model_config(parse_json_text(fetched.text, where), where);
  r.model_dir = fetched.file.path.parent_path();
  r.revision = ref.revision.value_or("");
  return r;
}

}  // namespace llmctl
