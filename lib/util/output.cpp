#include "util/output.hpp"

#include "util/error.hpp"
#include "util/text_width.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <ostream>
#include <regex>

namespace llmctl {

const std::vector<std::string>& output_format_names() {
  static const std::vector<std::string> names{"table", "json", "yaml"};
  return names;
}

OutputFormat parse_output_format(std::string_view name) {
  if (name == "table") return OutputFormat::table;
  if (name == "json") return OutputFormat::json;
  if (name == "yaml") return OutputFormat::yaml;
  throw usage_error("unknown output format '" + std::string(name) + "'",
                    "use -o table, -o json or -o yaml");
}

namespace {

// A plain scalar that a YAML reader would turn into something other than the
// string we mean. Readers still use YAML 1.1's resolvers (PyYAML, yaml-cpp,
// kubectl's go-yaml v2), so 1.1's booleans, octals, sexagesimal numbers,
// timestamps and the merge/value keys are quoted as well as 1.2's types.
bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  static const std::regex special(
      R"(^(true|false|yes|no|on|off|y|n|null|~|True|False|TRUE|FALSE|Yes|No|YES|NO|On|Off|ON|OFF|Y|N|Null|NULL|=|<<)$)"
      R"(|^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$)"
      R"(|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$|^[-+]?0[xob]?[0-9a-fA-F_]+$)"
      R"(|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$)"
      R"(|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$)");
  return std::regex_match(s, special);
}

void emit_yaml(YAML::Emitter& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key;
        if (needs_quotes(key)) out << YAML::DoubleQuoted;
        out << key << YAML::Value;
        emit_yaml(out, item);
      }
      out << YAML::EndMap;
      break;
    case Json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : value) emit_yaml(out, item);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (needs_quotes(s)) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case Json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      break;
    case Json::value_t::number_integer:
      out << value.get<std::int64_t>();
      break;
    case Json::value_t::number_unsigned:
      out << value.get<std::uint64_t>();
      break;
    case Json::value_t::number_float:
      // JSON's shortest round-trip spelling, which YAML reads back as the same float.
      out << value.dump();
      break;
    case Json::value_t::null:
    case Json::value_t::discarded:
    case Json::value_t::binary:
      out << YAML::Null;
      break;
  }
}

}  // namespace

std::string to_yaml(const Json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetNullFormat(YAML::LowerNull);
  emit_yaml(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

std::string Table::render(bool color) const {
  const std::size_t columns = headers.size();
  std::vector<std::size_t> widths(columns, 0);
  for (std::size_t c = 0; c < columns; ++c) widths[c] = display_width(headers[c]);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < columns && c < row.size(); ++c)
      widths[c] = std::max(widths[c], display_width(row[c]));

  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string out;
    for (std::size_t c = 0; c < columns; ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const std::size_t pad = widths[c] - display_width(cell);
      const bool right = c < align.size() && align[c] == Align::right;
      std::string padded = right ? std::string(pad, ' ') + cell : cell + std::string(pad, ' ');
      if (c + 1 == columns && !right) padded = cell;  // no trailing blanks
      if (header && color) padded = "\033[1m" + padded + "\033[0m";
      out += padded;
      if (c + 1 < columns) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + '\n';
  };

  std::string text = line(headers, true);
  for (const auto& row : rows) text += line(row, false);
  return text;
}

void emit(std::ostream& out, OutputFormat format, const Json& data,
          const std::function<std::string()>& table) {
  switch (format) {
    case OutputFormat::json:
      out << data.dump(2) << '\n';
      break;
    case OutputFormat::yaml:
      out << to_yaml(data);
      break;
    case OutputFormat::table:
      out << table();
      break;
  }
}

}  // namespace llmctl
