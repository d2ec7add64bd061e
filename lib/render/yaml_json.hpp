// YAML text to JSON values and back, as Kubernetes and Helm read YAML: plain
// scalars resolved by the YAML 1.2 core schema (null, true/false, integers,
// floats), quoted ones always strings. Used for values files, --set values
// and the validation of every rendered manifest.
#pragma once

#include "util/output.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace llmctl::render {

// A plain (unquoted) scalar as YAML 1.2's core schema types it:
// "8192" -> 8192, "0.9" -> 0.9, "true" -> true, "~" -> null, "v0.11" -> "v0.11".
Json resolve_plain_scalar(const std::string& text);

// Every document of `text`. A syntax error is a runtime Error
// "<source>: invalid YAML at line L, column C: <what>" quoting the line.
std::vector<Json> parse_yaml_documents(std::string_view text, const std::string& source);

// The one document of a values file (an empty file is an empty mapping).
Json parse_yaml_values(std::string_view text, const std::string& source);

}  // namespace llmctl::render
