// Typed, checked access to the fields of a config.json object (internal to
// lib/model). Every accessor distinguishes three states, as transformers does:
// absent (use the class default), explicit null (None: often "disabled" or
// "derive it"), and a value, which must have the right JSON type or the read
// throws an Error naming the source, the field and the problem.
#pragma once

#include "util/error.hpp"
#include "util/output.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::detail {

class ConfigReader {
 public:
  // Fields are looked up in `primary` (e.g. text_config), then in `fallback`
  // (the top-level object) when given. `primary_prefix` ("text_config.") is
  // prepended to field names in messages for fields found in `primary`.
  ConfigReader(const Json& primary, const Json* fallback, std::string source,
               std::string primary_prefix);

  // True when the key exists (even with a null value).
  bool present(std::string_view key) const;
  // True when the key exists and is null.
  bool is_null(std::string_view key) const;
  // The value, or nullptr when absent or null.
  const Json* find(std::string_view key) const;

  // Non-negative integer (an integral float such as 4096.0 is accepted).
  std::optional<std::uint64_t> uint(std::string_view key) const;
  // Signed integer (token ids).
  std::optional<std::int64_t> int64(std::string_view key) const;
  // Any number.
  std::optional<double> number(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<std::string> string(std::string_view key) const;
  // An object (nullptr when absent or null).
  const Json* object(std::string_view key) const;

  // The field's name as the user should look for it ("text_config.hidden_size").
  std::string field_name(std::string_view key) const;
  // The file (or catalog entry) name that prefixes every message.
  const std::string& source() const { return source_; }

  // An Error "<source>: field '<name>' <problem>".
  Error field_error(std::string_view key, const std::string& problem) const;
  // An Error "<source>: <problem>".
  Error error(const std::string& problem) const;

 private:
  const Json* lookup(std::string_view key, bool* in_primary) const;

  const Json& primary_;
  const Json* fallback_;
  std::string source_;
  std::string prefix_;
};

// A short description of a JSON value for messages: `string "abc"`, `-3`, `array`.
std::string describe_json(const Json& value);

// Typed conversions of a single JSON value (used for array elements and nested
// objects); `what` names the value in the message.
std::uint64_t json_to_uint(const Json& value, const ConfigReader& reader, std::string_view what);
double json_to_number(const Json& value, const ConfigReader& reader, std::string_view what);

}  // namespace llmctl::detail
