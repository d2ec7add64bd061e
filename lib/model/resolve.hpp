// Turns whatever the user typed where a model is expected into a config:
// a path (config.json or a model directory), a catalog alias, a Hugging Face
// id (org/name[@revision]) found in the catalog or the local HF cache.
#pragma once

#include "hub/api.hpp"
#include "hub/settings.hpp"
#include "model/catalog.hpp"
#include "model/config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace llmctl {

// Where a resolved model's config came from.
enum class ModelSourceKind {
  catalog,      // built-in catalog (alias or HF id)
  config_file,  // a path to a config.json
  local_dir,    // a directory holding config.json
  hf_cache,     // a snapshot in the local Hugging Face cache
  hub,          // the Hugging Face Hub (resolved by `llmctl pull`, not here)
};

// "catalog", "config_file", "local_dir", "hf_cache", "hub".
std::string source_kind_name(ModelSourceKind kind);

// A model reference resolved to its config.
struct ResolvedModel {
  std::string name;           // display name: HF id, or the path given
  ModelSourceKind source = ModelSourceKind::catalog;
  std::string source_detail;  // e.g. "built-in catalog (qwen3-1.7b)", "/abs/path/config.json"
  std::optional<CatalogEntry> catalog_entry;  // set when the name matched the catalog
  ModelConfig config;
  // The directory holding the model's files when they are on this machine: the
  // directory given, or the HF cache snapshot (also for a catalog model that was
  // already pulled). Empty otherwise (a bare config.json, a catalog-only model).
  std::filesystem::path model_dir;
  std::string revision;  // the "@revision" of an HF id; empty for the default branch
};

// Reads an environment variable (injectable for tests); hub::process_env() is the real one.
using EnvLookup = hub::Env;

// The Hugging Face hub cache, found as huggingface_hub finds it ($HF_HUB_CACHE,
// else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub).
std::filesystem::path hf_hub_cache_dir(const EnvLookup& env);

// The cached snapshot directory of `hf_id` at `revision` (a branch or tag
// under refs/, or a 40-hex commit hash; empty = "main") when it holds
// config.json: <cache>/models--{org}--{name}/snapshots/<commit>/.
std::optional<std::filesystem::path> hf_cache_snapshot(std::string_view hf_id, std::string_view revision,
                                                       const EnvLookup& env);

// Resolves `reference` in this order: an existing path (file = config.json,
// directory = its config.json), a catalog alias or HF id, an `org/name` id
// in the local HF cache. Anything else is a usage Error "unknown model 'x'"
// whose hint lists close aliases and mentions `llmctl pull`.
ResolvedModel resolve_model(std::string_view reference, const Catalog& catalog);
// The same with an explicit environment (tests).
ResolvedModel resolve_model(std::string_view reference, const Catalog& catalog, const EnvLookup& env);

// resolve_model, then, for an `org/name[@revision]` id that neither the
// catalog nor the cache knows, its config.json from the Hub through `client`
// (kept in the HF cache; HF_HUB_OFFLINE honoured). The source says whether the
// Hub or the cache answered. Gated, missing and unreachable repositories are
// Errors that name the cause.
ResolvedModel resolve_model(std::string_view reference, const Catalog& catalog, hub::HubClient& client);

// The Hub step of the above alone: `org/name[@revision]`'s config.json from
// the Hub, or the HF cache when offline or unreachable. For callers that ran
// the offline resolve_model themselves first.
ResolvedModel resolve_from_hub(std::string_view reference, const Catalog& catalog, hub::HubClient& client);

}  // namespace llmctl
