// Output formats shared by every data-producing command: a readable table by
// default, or the same data as JSON or YAML (stable field names, key order kept).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

using Json = nlohmann::ordered_json;

enum class OutputFormat { table, json, yaml };

// The accepted spellings, in the order --help and completions show them.
const std::vector<std::string>& output_format_names();
// Throws a usage Error for anything but table|json|yaml.
OutputFormat parse_output_format(std::string_view name);

// YAML 1.2 text of a JSON value; strings that would read back as another
// type ("true", "1e3", "null", "") are quoted so the round trip is exact.
std::string to_yaml(const Json& value);

enum class Align { left, right };

// A column-aligned text table. Cells are UTF-8; widths count code points.
struct Table {
  std::vector<std::string> headers;
  std::vector<Align> align;  // per column; missing entries are left-aligned
  std::vector<std::vector<std::string>> rows;

  std::string render(bool color) const;
};

// Writes `data` as JSON or YAML, or calls `table` for the table format.
void emit(std::ostream& out, OutputFormat format, const Json& data,
          const std::function<std::string()>& table);

}  // namespace llmctl
