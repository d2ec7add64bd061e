// The built-in model catalog: short aliases for well-known Hugging Face models
// with their config.json compiled into the binary (catalog/models.json and
// catalog/configs/<org>__<name>/config.json, embedded by cmake/embed.cmake),
// so sizing works offline.
#pragma once

#include "model/config.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

// One models.json entry.
struct CatalogEntry {
  std::string alias;        // e.g. qwen3-1.7b
  std::string hf_id;        // e.g. Qwen/Qwen3-1.7B
  std::string config_path;  // relative to catalog/configs/, e.g. Qwen__Qwen3-1.7B/config.json
  std::string description;
  std::optional<std::uint64_t> published_params;         // from the model card, when published
  std::optional<std::uint64_t> published_active_params;  // MoE models
  std::string params_source;  // where published_params comes from
  std::string config_source;  // where the config.json copy comes from
};

// The catalog: lookups by alias or HF id, and each entry's parsed config.
class Catalog {
 public:
  // Reads the config file at a path relative to catalog/configs/, or nothing.
  using ConfigSource = std::function<std::optional<std::string>(const std::string&)>;

  // The catalog compiled into the binary.
  static Catalog embedded();
  // A catalog from a models.json array; `read_config` supplies config files.
  // Throws a runtime Error on malformed entries or duplicate aliases/ids.
  static Catalog from_json(const Json& models, ConfigSource read_config);

  // Entries in models.json order.
  const std::vector<CatalogEntry>& entries() const { return entries_; }
  // The entry whose alias or HF id equals `alias_or_hf_id` (both case-insensitive), or nullptr.
  const CatalogEntry* find(std::string_view alias_or_hf_id) const;
  // The entry's parsed config.json (throws a runtime Error when missing or malformed).
  ModelConfig config(const CatalogEntry& entry) const;
  // All aliases, in catalog order (for completions and hints).
  std::vector<std::string> aliases() const;
  // Up to five aliases close to `query` (edit distance or substring), best first.
  std::vector<std::string> suggest(std::string_view query) const;

 private:
  Catalog(std::vector<CatalogEntry> entries, ConfigSource read_config)
      : entries_(std::move(entries)), read_config_(std::move(read_config)) {}

  std::vector<CatalogEntry> entries_;
  ConfigSource read_config_;
};

}  // namespace llmctl
