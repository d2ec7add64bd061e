// The values of `llmctl render`: one JSON tree in the AI-on-EKS inference
// chart's layout (templates/values.yaml holds every key and its default),
// merged from the defaults, each -f file, each --set and the command's flags,
// in that order. Unknown keys are found by comparing with the defaults.
#pragma once

#include "util/output.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::render {

// A key path into the tree: "inference.modelServer.image.tag" is
// {"inference", "modelServer", "image", "tag"}.
using ValuePath = std::vector<std::string>;

// Helm's --set path syntax: keys between dots, "\." for a dot inside a key
// (nvidia\.com/gpu), "[N]" for a list element. A usage Error when malformed.
ValuePath parse_value_path(std::string_view text);
std::string format_value_path(const ValuePath& path);

// Mappings merge key by key (recursively); any other value replaces, null included.
void merge_values(Json& base, const Json& overlay);

// Sets one path, creating the mappings (and growing the lists) on the way.
void set_value(Json& values, const ValuePath& path, Json value);

// --set path=value: the value typed as a plain YAML scalar (8192, 0.9, true, null,
// text); "{a,b}" is a list. A usage Error names what is wrong.
void apply_set(Json& values, std::string_view assignment);

// Reads one values file (a YAML mapping). A missing file is a usage Error, bad
// YAML a runtime Error with the file, line and column.
Json load_values_file(const std::filesystem::path& path);

// The keys of `values` that `schema` lacks, as dotted paths, shortest first
// found. A schema mapping with keys is checked key by key; any other schema
// value (an empty mapping or list, a scalar, null) accepts any content.
std::vector<std::string> unknown_keys(const Json& schema, const Json& values);

// The value at a dotted path (keys without dots), or nullptr when absent or null.
const Json* value_at(const Json& values, std::string_view dotted);

// Typed readers: nothing when absent or null; a usage Error naming the key when
// the value has another type. Integers and numbers also accept numeric strings.
std::optional<std::string> string_at(const Json& values, std::string_view dotted);
std::optional<std::int64_t> int_at(const Json& values, std::string_view dotted);
std::optional<double> number_at(const Json& values, std::string_view dotted);
bool bool_at(const Json& values, std::string_view dotted, bool fallback);

}  // namespace llmctl::render
