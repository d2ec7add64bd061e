#include "model/catalog.hpp"

#include "util/embedded.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace llmctl {

namespace {

constexpr const char* kSource = "built-in catalog models.json";

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Levenshtein distance (insert, delete, substitute each cost 1), O(|a|*|b|).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

Error entry_error(std::size_t index, const std::string& problem) {
  return runtime_error(fmt::format("{}: entry {}: {}", kSource, index, problem),
                       "the catalog is compiled in; fix catalog/models.json and rebuild");
}

std::string required_string(const Json& entry, std::size_t index, const char* key) {
  const auto it = entry.find(key);
  if (it == entry.end() || !it->is_string() || it->get<std::string>().empty())
    throw entry_error(index, fmt::format("'{}' must be a non-empty string", key));
  return it->get<std::string>();
}

std::string optional_string(const Json& entry, std::size_t index, const char* key) {
  const auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) return {};
  if (!it->is_string()) throw entry_error(index, fmt::format("'{}' must be a string", key));
  return it->get<std::string>();
}

std::optional<std::uint64_t> optional_count(const Json& entry, std::size_t index, const char* key) {
  const auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<std::int64_t>() >= 0))
    throw entry_error(index, fmt::format("'{}' must be a non-negative integer or null", key));
  return it->get<std::uint64_t>();
}

}  // namespace

Catalog Catalog::embedded() {
  const auto models = embedded::catalog_file("models.json");
  if (!models)
    throw runtime_error("the built-in catalog has no models.json",
                        "this llmctl binary was built without catalog/models.json; rebuild it from a full checkout");
  ConfigSource read = [](const std::string& path) -> std::optional<std::string> {
    if (auto text = embedded::catalog_file("configs/" + path)) return std::string(*text);
    return std::nullopt;
  };
  return from_json(parse_json_text(*models, kSource), std::move(read));
}

Catalog Catalog::from_json(const Json& models, ConfigSource read_config) {
  if (!models.is_array())
    throw runtime_error(fmt::format("{}: must hold a JSON array of models", kSource),
                        "the catalog is compiled in; fix catalog/models.json and rebuild");
  std::vector<CatalogEntry> entries;
  std::set<std::string> aliases;  // lower-cased: find() is case-insensitive
  for (std::size_t i = 0; i < models.size(); ++i) {
    const Json& m = models[i];
    if (!m.is_object()) throw entry_error(i, "must be an object");
    CatalogEntry e;
    e.alias = required_string(m, i, "alias");
    e.hf_id = required_string(m, i, "hf_id");
    e.config_path = required_string(m, i, "config");
    e.description = optional_string(m, i, "description");
    e.published_params = optional_count(m, i, "published_params");
    e.published_active_params = optional_count(m, i, "published_active_params");
    e.params_source = optional_string(m, i, "params_source");
    e.config_source = optional_string(m, i, "config_source");
    if (!aliases.insert(lower(e.alias)).second)
      throw entry_error(i, fmt::format("alias '{}' is used twice (aliases are case-insensitive)", e.alias));
    entries.push_back(std::move(e));
  }
  // Several aliases may name one HF id (find(id) returns the first), but an
  // alias must not read as another model's HF id.
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (const auto& other : entries)
      if (lower(entries[i].alias) == lower(other.hf_id) && lower(entries[i].hf_id) != lower(other.hf_id))
        throw entry_error(i, fmt::format("alias '{}' is the HF id of another entry", entries[i].alias));
  return Catalog(std::move(entries), std::move(read_config));
}

const CatalogEntry* Catalog::find(std::string_view alias_or_hf_id) const {
  const std::string key = lower(alias_or_hf_id);
  for (const auto& e : entries_)
    if (lower(e.alias) == key || lower(e.hf_id) == key) return &e;
  return nullptr;
}

ModelConfig Catalog::config(const CatalogEntry& entry) const {
  const std::string source = "built-in catalog configs/" + entry.config_path;
  const auto text = read_config_ ? read_config_(entry.config_path) : std::nullopt;
  if (!text)
    throw runtime_error(fmt::format("{} (for '{}') is missing", source, entry.alias),
                        "the catalog is compiled in; add the config under catalog/configs/ and rebuild");
  return parse_model_config(parse_json_text(*text, source), source);
}

std::vector<std::string> Catalog::aliases() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e.alias);
  return out;
}

std::vector<std::string> Catalog::suggest(std::string_view query) const {
  const std::string q = lower(query);
  if (q.empty()) return {};
  // Close when within a third of the query's length (at least 2 edits), or
  // when one contains the other ("qwen3" -> every qwen3-* alias).
  const std::size_t limit = std::max<std::size_t>(2, q.size() / 3);
  struct Candidate {
    std::size_t score;
    std::size_t order;
    const std::string* alias;
  };
  std::vector<Candidate> found;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& e = entries_[i];
    const std::string alias = lower(e.alias);
    const std::string id = lower(e.hf_id);
    const std::string name = id.substr(id.find('/') == std::string::npos ? 0 : id.find('/') + 1);
    std::size_t score = std::min({edit_distance(q, alias), edit_distance(q, id), edit_distance(q, name)});
    const bool contains = q.size() >= 3 && (alias.find(q) != std::string::npos || id.find(q) != std::string::npos);
    if (contains) score = std::min(score, limit);
    if (score <= limit) found.push_back({score, i, &e.alias});
  }
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score < b.score : a.order < b.order;
  });
  std::vector<std::string> out;
  for (const auto& c : found) {
    if (out.size() == 5) break;
    out.push_back(*c.alias);
  }
  return out;
}

}  // namespace llmctl
