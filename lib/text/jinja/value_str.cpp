// str() and repr() exactly as CPython prints them, since rendered output and
// error messages must match jinja2 byte for byte.
#include "text/jinja/unicode.hpp"
#include "text/jinja/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace llmctl::jinja {

std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, end);  // shortest round trip: "-1.2345e+02"
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  std::size_t e = sci.find('e');
  int exponent = std::stoi(sci.substr(e + 1));
  std::string digits = sci.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the decimal point

  std::string out = negative ? "-" : "";
  // CPython's repr switches to exponent notation outside 1e-4 <= |d| < 1e16.
  if (exponent < -4 || exponent >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp;
  }
  int point = exponent + 1;  // digits before the decimal point
  if (point <= 0) return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
  if (static_cast<std::size_t>(point) >= digits.size()) {
    return out + digits + std::string(point - digits.size(), '0') + ".0";
  }
  return out + digits.substr(0, point) + "." + digits.substr(point);
}

std::string string_repr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  char hex[16];
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = unicode::next(s, i);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x7F && c >= 0x20) {
      out += static_cast<char>(c);
    } else if (c >= 0x7F && unicode::is_printable(c)) {
      unicode::append(out, c);
    } else {
      const char* format = c <= 0xFF ? "\\x%02x" : c <= 0xFFFF ? "\\u%04x" : "\\U%08x";
      std::snprintf(hex, sizeof hex, format, static_cast<unsigned>(c));
      out += hex;
    }
  }
  out += quote;
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string join_repr(const std::vector<Value>& items, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < items.size(); ++i) {
    if (i > from) out += ", ";
    out += repr(items[i]);
  }
  return out;
}

std::string sequence_repr(const List& list) {
  switch (list.kind) {
    case SeqKind::list: return "[" + join_repr(list.items) + "]";
    case SeqKind::tuple:
      return "(" + join_repr(list.items) + (list.items.size() == 1 ? ",)" : ")");
    case SeqKind::range: {
      std::string out =
          "range(" + std::to_string(list.range_start) + ", " + std::to_string(list.range_stop);
      if (list.range_step != 1) out += ", " + std::to_string(list.range_step);
      return out + ")";
    }
    case SeqKind::dict_keys: return "dict_keys([" + join_repr(list.items) + "])";
    case SeqKind::dict_values: return "dict_values([" + join_repr(list.items) + "])";
    case SeqKind::dict_items: return "dict_items([" + join_repr(list.items) + "])";
    case SeqKind::iterator: break;
  }
  unsupported("cannot print a " + std::string(list.iterator_type) +
              " object (its Python repr holds a memory address); convert it with |list");
}

}  // namespace

std::string repr(const Value& v) {
  switch (v.type()) {
    case Value::Type::undefined: return "Undefined";
    case Value::Type::string: return v.is_markup() ? "Markup(" + string_repr(v.str()) + ")" : string_repr(v.str());
    default: return to_str(v);
  }
}

std::string to_str(const Value& v) {
  switch (v.type()) {
    case Value::Type::undefined: return "";
    case Value::Type::none: return "None";
    case Value::Type::boolean: return v.as_bool() ? "True" : "False";
    case Value::Type::integer: return std::to_string(v.as_int());
    case Value::Type::floating: return float_repr(v.as_float());
    case Value::Type::string: return v.str();
    case Value::Type::list: return sequence_repr(v.list());
    case Value::Type::dict: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, item] : v.dict().entries) {
        if (!first) out += ", ";
        first = false;
        out += repr(k) + ": " + repr(item);
      }
      return out + "}";
    }
    case Value::Type::object: {
      if (auto r = v.object().repr()) return *r;
      unsupported("cannot print a " + type_name(v) +
                  " object (its Python repr holds a memory address)");
    }
  }
  return "";
}

}  // namespace llmctl::jinja
