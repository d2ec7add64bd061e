// Where `llmctl size` reads a model from: the config (catalog, local path, HF
// cache, or config.json fetched from the Hub) and, when available, the
// safetensors headers that give the exact stored bytes (a local directory or
// HF cache snapshot; the Hub by HTTP Range requests for an HF id).
#pragma once

#include "model/catalog.hpp"
#include "model/config.hpp"
#include "model/safetensors.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

// --weights-from: where the weight bytes come from.
enum class HeaderPolicy {
  automatic,  // local headers when the files are here; Hub headers for an org/name id (unless HF_HUB_OFFLINE); else the config
  config,     // never read headers
  local,      // local headers or an error
  hub,        // Hub headers or an error
};
HeaderPolicy parse_header_policy(std::string_view name);  // auto|config|local|hub; usage Error otherwise
const std::vector<std::string>& header_policy_names();

struct LoadedModel {
  std::string name;                // HF id or the path given
  std::string config_source_kind;  // catalog, config_file, local_dir, hf_cache, hub
  std::string config_source;       // e.g. "built-in catalog (qwen3-1.7b)"
  ModelConfig config;
  std::optional<Checkpoint> checkpoint;
  std::string headers_kind;        // "local_headers" / "hub_headers" when `checkpoint` is set
  std::string headers_source;      // "/path/to/dir" or "hub Qwen/Qwen3-1.7B@<commit>"
  std::vector<std::string> notes;  // why headers were not used, ...
};

using LogLine = std::function<void(const std::string&)>;

// Resolves `reference` (alias, org/name[@rev], directory, config.json) and
// reads the headers `policy` asks for. A config that cannot be read or lacks
// fields is a usage Error (exit 2); network failures in `automatic` mode fall
// back to the config with a note.
LoadedModel load_model(std::string_view reference, HeaderPolicy policy, const LogLine& log);

}  // namespace llmctl
