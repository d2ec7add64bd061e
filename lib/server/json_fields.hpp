// Typed reads of request-body fields with the 400 messages a client can act
// on ("temperature: Input should be a valid number"), as vLLM's pydantic
// models reject wrong types. A null field counts as absent (pydantic's
// Optional); unknown fields are ignored, as vLLM does.
#pragma once

#include "util/output.hpp"  // Json

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::server {

// The request body as a JSON object. 400 for malformed JSON (invalid UTF-8
// included), nesting deeper than kMaxJsonDepth, or a non-object.
Json parse_json_body(std::string_view body);

// Deeper nesting than any real request has; checked before parsing so a
// hostile body ("[[[[...") costs one linear scan.
inline constexpr int kMaxJsonDepth = 64;
// Nesting depth of JSON text (brackets outside strings); stops counting at limit + 1.
int json_depth(std::string_view text, int limit = kMaxJsonDepth);

std::optional<double> number_field(const Json& body, std::string_view key);
// Integers; a float with no fraction (2.0) is accepted, as pydantic's lax mode.
std::optional<std::int64_t> integer_field(const Json& body, std::string_view key);
std::optional<bool> bool_field(const Json& body, std::string_view key);
std::optional<std::string> string_field(const Json& body, std::string_view key);
// An object field (chat_template_kwargs, stream_options).
std::optional<Json> object_field(const Json& body, std::string_view key);
// A string or a list of strings (stop).
std::optional<std::vector<std::string>> string_or_list_field(const Json& body, std::string_view key);
// A list of integers (stop_token_ids, tokens).
std::optional<std::vector<std::int64_t>> integer_list_field(const Json& body, std::string_view key);

}  // namespace llmctl::server
