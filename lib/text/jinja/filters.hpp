// Helpers shared by the built-in filters (internal).
#pragma once

#include "text/jinja/args.hpp"
#include "text/jinja/renderer.hpp"

#include <functional>
#include <string>

namespace llmctl::jinja {

struct JsonStyle {
  bool ensure_ascii = true;
  bool sort_keys = true;
  bool html_safe = true;  // jinja2's htmlsafe_json_dumps: <, >, &, ' as \u00XX
  std::optional<std::string> indent;
  std::string item_separator = ", ";
  std::string key_separator = ": ";
};

// Python's json.dumps (dumps.cpp).
std::string json_dumps(const Value& value, const JsonStyle& style);

// jinja2's make_attrgetter: "a.b.0" looks up a, then b, then item 0.
using Getter = std::function<Value(const Value&)>;
Getter attribute_getter(Renderer& r, const Value* attribute, bool lower_strings = false,
                        const Value* fallback = nullptr);
// ignore_case: lowercases strings, for case-insensitive sorting.
Value ignore_case(const Value& v);

// The filter tables of filters_str.cpp and filters_seq.cpp.
struct FilterEntry {
  std::string_view name;
  FilterFn fn;
};
const std::vector<FilterEntry>& string_filters();
const std::vector<FilterEntry>& sequence_filters();

}  // namespace llmctl::jinja
