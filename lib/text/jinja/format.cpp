// Python string formatting: printf-style `%` (used by the `%` operator and
// the `format` filter) and str.format() with the format mini-language.
#include "text/jinja/unicode.hpp"
#include "text/jinja/value_ops.hpp"

#include <cmath>
#include <cstdio>

namespace llmctl::jinja {

namespace {

std::string pad(const std::string& s, std::size_t width, char align, const std::string& fill = " ") {
  std::size_t len = unicode::length(s);
  if (len >= width) return s;
  std::size_t total = width - len;
  auto repeat = [&](std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += fill;
    return out;
  };
  if (align == '<') return s + repeat(total);
  if (align == '^') return repeat(total / 2) + s + repeat(total - total / 2);
  return repeat(total) + s;
}

std::string c_format(const std::string& spec, double d) {
  char buf[512];
  std::snprintf(buf, sizeof buf, spec.c_str(), d);
  return buf;
}

std::string c_format(const std::string& spec, long long i) {
  char buf[512];
  std::snprintf(buf, sizeof buf, spec.c_str(), i);
  return buf;
}

// A number as printf-style %d/%x/%o wants it: Python accepts ints, bools,
// and (for %d only) floats, truncated.
long long integer_arg(const Value& v, char conv) {
  if (v.is_int() || v.is_bool()) return v.int_value();
  if (v.is_float() && (conv == 'd' || conv == 'i' || conv == 'u')) {
    if (!std::isfinite(v.as_float())) raise(ErrorKind::overflow, "cannot convert float infinity to integer");
    return static_cast<long long>(v.as_float());
  }
  if (conv == 'd' || conv == 'i' || conv == 'u') {
    type_error(std::string("%") + conv + " format: a real number is required, not " + type_name(v));
  }
  type_error(std::string("%") + conv + " format: an integer is required, not " + type_name(v));
}

}  // namespace

std::string percent_format(const std::string& format, const Value& args) {
  std::vector<Value> positional;
  bool is_tuple = args.is_seq(SeqKind::tuple);
  if (is_tuple) {
    positional = args.list().items;
  } else {
    positional.push_back(args);
  }
  const Dict* mapping = args.is_dict() ? &args.dict() : nullptr;
  std::size_t next = 0;
  bool used_mapping = false;
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    std::size_t start = i;
    if (++i >= format.size()) raise(ErrorKind::value, "incomplete format");
    const Value* arg = nullptr;
    if (format[i] == '(') {
      std::size_t close = format.find(')', i);
      if (close == std::string::npos) raise(ErrorKind::value, "incomplete format key");
      if (!mapping) type_error("format requires a mapping");
      std::string key = format.substr(i + 1, close - i - 1);
      arg = mapping->find(key);
      if (!arg) raise(ErrorKind::key, string_repr(key));
      used_mapping = true;
      i = close + 1;
    }
    std::string flags;
    while (i < format.size() && std::string_view("-+ #0").find(format[i]) != std::string_view::npos) flags += format[i++];
    auto take_number = [&]() -> std::string {
      if (i < format.size() && format[i] == '*') {
        ++i;
        if (next >= positional.size()) type_error("not enough arguments for format string");
        const Value& n = positional[next++];
        if (!n.is_int()) type_error("* wants int");
        return std::to_string(n.as_int());
      }
      std::string digits;
      while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) digits += format[i++];
      return digits;
    };
    std::string width = take_number();
    std::string precision;
    bool has_precision = false;
    if (i < format.size() && format[i] == '.') {
      ++i;
      has_precision = true;
      precision = take_number();
      if (precision.empty()) precision = "0";
    }
    while (i < format.size() && (format[i] == 'h' || format[i] == 'l' || format[i] == 'L')) ++i;
    if (i >= format.size()) raise(ErrorKind::value, "incomplete format");
    char conv = format[i];
    if (conv == '%') {
      out += '%';
      continue;
    }
    if (!arg) {
      if (next >= positional.size()) type_error("not enough arguments for format string");
      arg = &positional[next++];
    }
    std::string spec = "%" + flags + width + (has_precision ? "." + precision : "");
    std::size_t w = width.empty() ? 0 : std::stoul(width);
    char align = flags.find('-') != std::string::npos ? '<' : '>';
    switch (conv) {
      case 's':
      case 'r':
      case 'a': {
        std::string s = conv == 's' ? to_str(*arg) : repr(*arg);
        if (has_precision) s = s.substr(0, unicode::offset_of(s, std::stoul(precision)));
        out += pad(s, w, align);
        break;
      }
      case 'd': case 'i': case 'u':
        out += c_format(spec + "lld", integer_arg(*arg, conv));
        break;
      case 'x': case 'X': case 'o':
        out += c_format(spec + "ll" + conv, integer_arg(*arg, conv));
        break;
      case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
        if (!arg->is_number()) type_error("must be real number, not " + type_name(*arg));
        out += c_format(spec + conv, arg->float_value());
        break;
      }
      case 'c': {
        std::string c;
        if (arg->is_int()) {
          c = unicode::encode(static_cast<char32_t>(arg->as_int()));
        } else if (arg->is_string() && unicode::length(arg->str()) == 1) {
          c = arg->str();
        } else {
          type_error("%c requires int or char");
        }
        out += pad(c, w, align);
        break;
      }
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%x", static_cast<unsigned char>(conv));
        raise(ErrorKind::value, std::string("unsupported format character '") + conv + "' (0x" + hex +
                                    ") at index " + std::to_string(i));
      }
    }
    (void)start;
  }
  if (next < positional.size() && !used_mapping && !(mapping && positional.size() == 1 && next == 0)) {
    type_error("not all arguments converted during string formatting");
  }
  return out;
}

namespace {

struct Spec {
  std::string fill = " ";
  char align = 0;
  char sign = '-';
  bool alternate = false;
  bool zero = false;
  std::size_t width = 0;
  char grouping = 0;
  int precision = -1;
  char type = 0;
};

Spec parse_spec(std::string_view s) {
  Spec spec;
  std::size_t i = 0;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  std::size_t k = 0;
  if (!s.empty()) unicode::next(s, k);
  if (k < s.size() && is_align(s[k])) {
    spec.fill = std::string(s.substr(0, k));
    spec.align = s[k];
    i = k + 1;
  } else if (!s.empty() && is_align(s[0])) {
    spec.align = s[0];
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) spec.sign = s[i++];
  if (i < s.size() && s[i] == '#') {
    spec.alternate = true;
    ++i;
  }
  if (i < s.size() && s[i] == '0') {
    spec.zero = true;
    ++i;
  }
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) spec.width = spec.width * 10 + (s[i++] - '0');
  if (i < s.size() && (s[i] == ',' || s[i] == '_')) spec.grouping = s[i++];
  if (i < s.size() && s[i] == '.') {
    ++i;
    spec.precision = 0;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) raise(ErrorKind::value, "Format specifier missing precision");
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) spec.precision = spec.precision * 10 + (s[i++] - '0');
  }
  if (i < s.size()) spec.type = s[i++];
  if (i < s.size()) raise(ErrorKind::value, "Invalid format specifier");
  return spec;
}

std::string group_digits(const std::string& digits, char sep, std::size_t every) {
  std::string out;
  std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % every == 0) out += sep;
    out += digits[i];
  }
  return out;
}

// Applies sign, grouping and alignment to the formatted magnitude of a number.
std::string finish_number(const Spec& spec, bool negative, std::string body, const std::string& prefix) {
  if (spec.grouping) {
    std::size_t end = body.find_first_not_of("0123456789abcdefABCDEF");
    bool hexlike = spec.type == 'x' || spec.type == 'X' || spec.type == 'o' || spec.type == 'b';
    if (spec.type == 'e' || spec.type == 'E' || spec.type == 'g' || spec.type == 'G' || !hexlike) {
      end = body.find_first_not_of("0123456789");
    }
    if (end == std::string::npos) end = body.size();
    body = group_digits(body.substr(0, end), spec.grouping, hexlike ? 4 : 3) + body.substr(end);
  }
  std::string sign = negative ? "-" : spec.sign == '+' ? "+" : spec.sign == ' ' ? " " : "";
  char align = spec.align ? spec.align : (spec.zero ? '=' : '>');
  std::string fill = spec.align ? spec.fill : (spec.zero ? "0" : " ");
  if (align == '=') {
    std::string head = sign + prefix;
    std::size_t len = unicode::length(head) + unicode::length(body);
    std::string padding;
    for (std::size_t i = len; i < spec.width; ++i) padding += fill;
    return head + padding + body;
  }
  return pad(sign + prefix + body, spec.width, align, fill);
}

std::string format_float(const Spec& spec, double d) {
  char type = spec.type;
  bool negative = std::signbit(d) && !std::isnan(d);
  double mag = std::fabs(d);
  std::string body;
  if (type == 0 && spec.precision < 0) {
    body = float_repr(mag);
  } else {
    int precision = spec.precision < 0 ? 6 : spec.precision;
    char c = type == 0 ? 'g' : type == 'n' ? 'g' : type == '%' ? 'f' : type;
    if (type == '%') mag *= 100;
    std::string fmt = std::string("%") + (spec.alternate ? "#" : "") + "." + std::to_string(precision) + c;
    if (type == 0 && precision == 0) fmt = "%.1g";
    body = c_format(fmt, mag);
    if (type == 0 && body.find_first_of(".einf") == std::string::npos) body += ".0";
    if (type == '%') body += "%";
  }
  return finish_number(spec, negative, body, "");
}

}  // namespace

std::string format_spec(const Value& value, std::string_view spec_text) {
  if (spec_text.empty()) return to_str(value);
  Spec spec = parse_spec(spec_text);
  if (value.is_string()) {
    if (spec.type != 0 && spec.type != 's') {
      raise(ErrorKind::value, std::string("Unknown format code '") + spec.type + "' for object of type 'str'");
    }
    if (spec.sign != '-') raise(ErrorKind::value, "Sign not allowed in string format specifier");
    std::string s = value.str();
    if (spec.precision >= 0) s = s.substr(0, unicode::offset_of(s, static_cast<std::size_t>(spec.precision)));
    return pad(s, spec.width, spec.align ? spec.align : '<', spec.fill);
  }
  if (value.is_int() || value.is_bool()) {
    std::int64_t i = value.int_value();
    char t = spec.type;
    if (t == 'e' || t == 'E' || t == 'f' || t == 'F' || t == 'g' || t == 'G' || t == '%') {
      return format_float(spec, static_cast<double>(i));
    }
    if (spec.precision >= 0) raise(ErrorKind::value, "Precision not allowed in integer format specifier");
    unsigned long long mag = i < 0 ? 0ULL - static_cast<unsigned long long>(i) : static_cast<unsigned long long>(i);
    std::string body, prefix;
    switch (t) {
      case 0: case 'd': case 'n': body = std::to_string(mag); break;
      case 'x': case 'X': body = c_format(t == 'x' ? "%llx" : "%llX", static_cast<long long>(mag)); prefix = spec.alternate ? (t == 'x' ? "0x" : "0X") : ""; break;
      case 'o': body = c_format("%llo", static_cast<long long>(mag)); prefix = spec.alternate ? "0o" : ""; break;
      case 'b': {
        for (unsigned long long m = mag; m > 0; m >>= 1) body.insert(body.begin(), static_cast<char>('0' + (m & 1)));
        if (body.empty()) body = "0";
        prefix = spec.alternate ? "0b" : "";
        break;
      }
      case 'c': return pad(unicode::encode(static_cast<char32_t>(i)), spec.width, spec.align ? spec.align : '>', spec.fill);
      default: raise(ErrorKind::value, std::string("Unknown format code '") + t + "' for object of type 'int'");
    }
    return finish_number(spec, i < 0, body, prefix);
  }
  if (value.is_float()) {
    char t = spec.type;
    if (t != 0 && std::string_view("eEfFgGn%").find(t) == std::string_view::npos) {
      raise(ErrorKind::value, std::string("Unknown format code '") + t + "' for object of type 'float'");
    }
    return format_float(spec, value.as_float());
  }
  type_error("unsupported format string passed to " + type_name(value) + ".__format__");
}

std::string brace_format(const std::string& format, const CallArgs& args) {
  std::string out;
  std::size_t auto_index = 0;
  int mode = 0;  // 0 unknown, 1 automatic, 2 manual numbering
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      raise(ErrorKind::value, "Single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    // Find the matching close brace, allowing one level of nesting in the spec.
    std::size_t depth = 1, j = i + 1;
    for (; j < format.size() && depth > 0; ++j) {
      if (format[j] == '{') ++depth;
      if (format[j] == '}') --depth;
    }
    if (depth != 0) raise(ErrorKind::value, "expected '}' before end of string");
    std::string field = format.substr(i + 1, j - i - 2);
    i = j - 1;
    std::string spec;
    char conversion = 0;
    std::size_t colon = field.find(':');
    if (colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    std::size_t bang = field.find('!');
    if (bang != std::string::npos) {
      if (bang + 2 != field.size()) raise(ErrorKind::value, "expected ':' after conversion specifier");
      conversion = field[bang + 1];
      field = field.substr(0, bang);
    }
    std::size_t name_end = field.find_first_of(".[");
    std::string name = field.substr(0, name_end);
    Value v;
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) {
      std::size_t index;
      if (name.empty()) {
        if (mode == 2) raise(ErrorKind::value, "cannot switch from manual field specification to automatic field numbering");
        mode = 1;
        index = auto_index++;
      } else {
        if (mode == 1) raise(ErrorKind::value, "cannot switch from automatic field numbering to manual field specification");
        mode = 2;
        index = std::stoul(name);
      }
      if (index >= args.positional.size()) {
        raise(ErrorKind::index, "Replacement index " + std::to_string(index) + " out of range for positional args tuple");
      }
      v = args.positional[index];
    } else {
      const Value* kw = args.keyword(name);
      if (!kw) raise(ErrorKind::key, string_repr(name));
      v = *kw;
    }
    if (name_end != std::string::npos) {
      std::string rest = field.substr(name_end);
      for (std::size_t k = 0; k < rest.size();) {
        if (rest[k] == '[') {
          std::size_t close = rest.find(']', k);
          if (close == std::string::npos) raise(ErrorKind::value, "Missing ']' in format string");
          std::string key = rest.substr(k + 1, close - k - 1);
          k = close + 1;
          const Value* item = nullptr;
          if (v.is_dict()) item = v.dict().find(key);
          if (v.is_list() && !key.empty() && std::isdigit(static_cast<unsigned char>(key[0])) &&
              std::stoul(key) < v.list().items.size()) {
            item = &v.list().items[std::stoul(key)];
          }
          if (!item) unsupported("format field lookup [" + key + "] on " + type_name(v));
          v = *item;
        } else {
          unsupported("attribute lookups in format fields are not supported");
        }
      }
    }
    if (spec.find('{') != std::string::npos) spec = brace_format(spec, args);
    if (conversion == 'r' || conversion == 'a') {
      v = Value(repr(v));
    } else if (conversion == 's') {
      v = Value(to_str(v));
    } else if (conversion != 0) {
      raise(ErrorKind::value, std::string("Unknown conversion specifier ") + conversion);
    }
    out += format_spec(v, spec);
  }
  return out;
}

}  // namespace llmctl::jinja
