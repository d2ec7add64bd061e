// Python's json.dumps for the tojson filter: key order, separators, float
// repr and \u escapes as CPython's json module produces them.
#include "text/jinja/filters.hpp"
#include "text/jinja/unicode.hpp"
#include "text/jinja/value_ops.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace llmctl::jinja {

namespace {

void escape_string(std::string& out, std::string_view s, const JsonStyle& style) {
  out += '"';
  char buf[16];
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = unicode::next(s, i);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (c < 0x20) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else if (c < 0x7F || !style.ensure_ascii) {
      unicode::append(out, c);
    } else if (c < 0x10000) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      char32_t v = c - 0x10000;
      std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", static_cast<unsigned>(0xD800 | (v >> 10)),
                    static_cast<unsigned>(0xDC00 | (v & 0x3FF)));
      out += buf;
    }
  }
  out += '"';
}

std::string float_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return float_repr(d);
}

std::string key_string(const Value& k) {
  switch (k.type()) {
    case Value::Type::string: return k.str();
    case Value::Type::boolean: return k.as_bool() ? "true" : "false";
    case Value::Type::none: return "null";
    case Value::Type::integer: return std::to_string(k.as_int());
    case Value::Type::floating: return float_json(k.as_float());
    default: type_error("keys must be str, int, float, bool or None, not " + type_name(k));
  }
}

void dump(std::string& out, const Value& v, const JsonStyle& style, int depth) {
  auto newline = [&](int level) {
    if (!style.indent) return;
    out += '\n';
    for (int i = 0; i < level; ++i) out += *style.indent;
  };
  switch (v.type()) {
    case Value::Type::none: out += "null"; return;
    case Value::Type::boolean: out += v.as_bool() ? "true" : "false"; return;
    case Value::Type::integer: out += std::to_string(v.as_int()); return;
    case Value::Type::floating: out += float_json(v.as_float()); return;
    case Value::Type::string: escape_string(out, v.str(), style); return;
    case Value::Type::list: {
      SeqKind kind = v.list().kind;
      if (kind != SeqKind::list && kind != SeqKind::tuple) break;
      const auto& items = v.list().items;
      if (items.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += style.item_separator;
        newline(depth + 1);
        dump(out, items[i], style, depth + 1);
      }
      newline(depth);
      out += ']';
      return;
    }
    case Value::Type::dict: {
      std::vector<const std::pair<Value, Value>*> entries;
      for (const auto& e : v.dict().entries) entries.push_back(&e);
      if (entries.empty()) {
        out += "{}";
        return;
      }
      if (style.sort_keys) {
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto* a, const auto* b) { return order(a->first, b->first, "<") < 0; });
      }
      out += '{';
      bool first = true;
      for (const auto* e : entries) {
        if (!first) out += style.item_separator;
        first = false;
        newline(depth + 1);
        escape_string(out, key_string(e->first), style);
        out += style.key_separator;
        dump(out, e->second, style, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
    }
    default: break;
  }
  type_error("Object of type " + type_name(v) + " is not JSON serializable");
}

}  // namespace

std::string json_dumps(const Value& value, const JsonStyle& style) {
  std::string out;
  dump(out, value, style, 0);
  if (!style.html_safe) return out;
  std::string safe;
  safe.reserve(out.size());
  for (char c : out) {
    switch (c) {
      case '<': safe += "\\u003c"; break;
      case '>': safe += "\\u003e"; break;
      case '&': safe += "\\u0026"; break;
      case '\'': safe += "\\u0027"; break;
      default: safe += c;
    }
  }
  return safe;
}

}  // namespace llmctl::jinja
