// String filters: case, whitespace, escaping, formatting and tojson.
#include "text/jinja/filters.hpp"
#include "text/jinja/objects.hpp"
#include "text/jinja/unicode.hpp"
#include "text/jinja/value_ops.hpp"

#include <cmath>
#include <cstdio>

namespace llmctl::jinja {

namespace {

// soft_str: markupsafe keeps Markup a Markup through string methods.
Value keep_markup(const Value& in, std::string s) {
  return in.is_markup() ? Value::markup(std::move(s)) : Value(std::move(s));
}

Value f_upper(Renderer& r, Value v, CallArgs& a) {
  Signature("upper", a, {});
  return keep_markup(v, unicode::upper(r.str(v)));
}

Value f_lower(Renderer& r, Value v, CallArgs& a) {
  Signature("lower", a, {});
  return keep_markup(v, unicode::lower(r.str(v)));
}

Value f_capitalize(Renderer& r, Value v, CallArgs& a) {
  Signature("capitalize", a, {});
  return keep_markup(v, unicode::capitalize(r.str(v)));
}

// jinja2's title: upper-cases the first character after -, whitespace and
// opening brackets, lower-cases the rest of each piece.
Value f_title(Renderer& r, Value v, CallArgs& a) {
  Signature("title", a, {});
  std::string s = r.str(v), out;
  auto is_boundary = [](char32_t c) { return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || unicode::is_space(c); };
  bool at_start = true;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = unicode::next(s, i);
    if (is_boundary(c)) {
      unicode::append(out, c);
      at_start = true;
    } else if (at_start) {
      if (c == 0xDF) {
        out += "SS";
      } else {
        unicode::append(out, unicode::to_upper(c));
      }
      at_start = false;
    } else {
      unicode::append(out, unicode::to_lower(c));
    }
  }
  return Value(std::move(out));
}

Value f_trim(Renderer& r, Value v, CallArgs& a) {
  Signature sig("trim", a, {"chars"});
  std::string s = r.str(v);
  if (!sig.has(0)) return keep_markup(v, std::string(unicode::strip(s, true, true)));
  return keep_markup(v, std::string(unicode::strip_chars(s, as_string(*sig.get(0), "chars"), true, true)));
}

Value f_string(Renderer& r, Value v, CallArgs& a) {
  Signature("string", a, {});
  return keep_markup(v, r.str(v));
}

Value f_center(Renderer& r, Value v, CallArgs& a) {
  Signature sig("center", a, {"width"});
  std::string s = r.str(v);
  std::int64_t width = sig.int_or(0, 80);
  auto len = static_cast<std::int64_t>(unicode::length(s));
  if (width <= len) return keep_markup(v, s);
  std::int64_t total = width - len;
  std::int64_t left = total / 2 + (total & width & 1);
  return keep_markup(v, std::string(static_cast<std::size_t>(left), ' ') + s +
                            std::string(static_cast<std::size_t>(total - left), ' '));
}

Value f_replace(Renderer& r, Value v, CallArgs& a) {
  Signature sig("replace", a, {"old", "new", "count"}, 2);
  CallArgs method;
  method.positional = {Value(r.str(*sig.get(0))), Value(r.str(*sig.get(1)))};
  if (sig.has(2)) method.positional.push_back(*sig.get(2));
  return call_method(r, Value(r.str(v)), "replace", method);
}

Value f_escape(Renderer& r, Value v, CallArgs& a) {
  Signature("escape", a, {});
  if (v.is_markup()) return v;
  return Value::markup(html_escape(r.str(v)));
}

Value f_forceescape(Renderer& r, Value v, CallArgs& a) {
  Signature("forceescape", a, {});
  return Value::markup(html_escape(r.str(v)));
}

Value f_safe(Renderer& r, Value v, CallArgs& a) {
  Signature("safe", a, {});
  return Value::markup(r.str(v));
}

Value f_format(Renderer& r, Value v, CallArgs& a) {
  if (!a.positional.empty() && !a.keywords.empty()) {
    raise(ErrorKind::runtime, "can't handle positional and keyword arguments at the same time");
  }
  Value args;
  if (!a.keywords.empty()) {
    args = Value::new_dict();
    for (auto& [k, val] : a.keywords) args.dict().set(k, val);
  } else {
    args = Value::tuple(a.positional);
  }
  return keep_markup(v, percent_format(r.str(v), args));
}

Value f_indent(Renderer& r, Value v, CallArgs& a) {
  Signature sig("indent", a, {"width", "first", "blank"});
  std::string indention;
  if (sig.get(0) && sig.get(0)->is_string()) {
    indention = sig.get(0)->str();
  } else {
    indention = std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, sig.int_or(0, 4))), ' ');
  }
  bool first = sig.bool_or(1, false), blank = sig.bool_or(2, false);
  if (v.is_undefined()) r.fail_undefined(v);  // Undefined + "\n" raises
  std::vector<std::string> lines = unicode::splitlines(r.str(v) + "\n", false);
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) {
      out += "\n";
      if (blank || !lines[i].empty()) out += indention;
    }
    out += lines[i];
  }
  if (first) out = indention + out;
  return keep_markup(v, std::move(out));
}

Value f_truncate(Renderer& r, Value v, CallArgs& a) {
  Signature sig("truncate", a, {"length", "killwords", "end", "leeway"});
  std::string s = r.str(v);
  std::int64_t length = sig.int_or(0, 255);
  bool killwords = sig.bool_or(1, false);
  std::string end = sig.str_or(2, "...");
  std::int64_t leeway = sig.has(3) ? as_index(*sig.get(3)) : 5;
  auto end_len = static_cast<std::int64_t>(unicode::length(end));
  if (length < end_len) raise(ErrorKind::runtime, "expected length >= " + std::to_string(end_len) + ", got " + std::to_string(length));
  if (leeway < 0) raise(ErrorKind::runtime, "expected leeway >= 0, got " + std::to_string(leeway));
  if (static_cast<std::int64_t>(unicode::length(s)) <= length + leeway) return Value(s);
  std::string head = s.substr(0, unicode::offset_of(s, static_cast<std::size_t>(length - end_len)));
  if (killwords) return Value(head + end);
  std::size_t space = head.rfind(' ');
  if (space != std::string::npos) head = head.substr(0, space);
  return Value(head + end);
}

Value f_wordcount(Renderer& r, Value v, CallArgs& a) {
  Signature("wordcount", a, {});
  std::string s = r.str(v);
  std::int64_t words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size();) {
    bool w = unicode::is_word(unicode::next(s, i));
    if (w && !in_word) ++words;
    in_word = w;
  }
  return words;
}

// markupsafe's Markup.striptags(): drop comments and tags, collapse
// whitespace, then unescape the entities HTML templates commonly hold.
Value f_striptags(Renderer& r, Value v, CallArgs& a) {
  Signature("striptags", a, {});
  std::string s = r.str(v);
  for (std::size_t start; (start = s.find("<!--")) != std::string::npos;) {
    std::size_t end = s.find("-->", start);
    if (end == std::string::npos) break;
    s.erase(start, end + 3 - start);
  }
  for (std::size_t start; (start = s.find('<')) != std::string::npos;) {
    std::size_t end = s.find('>', start);
    if (end == std::string::npos) break;
    s.erase(start, end + 1 - start);
  }
  std::string collapsed;
  for (const std::string& word : unicode::split_whitespace(s, -1, false)) {
    if (!collapsed.empty()) collapsed += ' ';
    collapsed += word;
  }
  std::string out;
  for (std::size_t i = 0; i < collapsed.size(); ++i) {
    if (collapsed[i] != '&') {
      out += collapsed[i];
      continue;
    }
    std::size_t semi = collapsed.find(';', i);
    std::string entity = semi == std::string::npos ? "" : collapsed.substr(i + 1, semi - i - 1);
    static const std::pair<std::string_view, std::string_view> kNamed[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xC2\xA0"}};
    bool done = false;
    for (const auto& [name, text] : kNamed) {
      if (entity == name) {
        out += text;
        done = true;
      }
    }
    if (!done && entity.size() > 1 && entity[0] == '#') {
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::string digits = entity.substr(hex ? 2 : 1);
      if (!digits.empty() && digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") == std::string::npos) {
        unicode::append(out, static_cast<char32_t>(std::stoul(digits, nullptr, hex ? 16 : 10)));
        done = true;
      }
    }
    if (!done && !entity.empty() && entity.find_first_of(" &") == std::string::npos) {
      unsupported("striptags: the HTML entity &" + entity + "; is not supported");
    }
    if (done) {
      i = semi;
    } else {
      out += '&';
    }
  }
  return Value(std::move(out));
}

std::string url_quote(const std::string& s, bool for_query) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || (c == '/' && !for_query)) {
      out += static_cast<char>(c);
    } else if (c == ' ' && for_query) {
      out += '+';
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

Value f_urlencode(Renderer& r, Value v, CallArgs& a) {
  Signature("urlencode", a, {});
  if (v.is_string() || !(v.is_list() || v.is_dict())) return Value(url_quote(r.str(v), false));
  std::vector<Value> pairs;
  if (v.is_dict()) {
    for (const auto& [k, item] : v.dict().entries) pairs.push_back(Value::tuple({k, item}));
  } else {
    pairs = r.iterate(v);
  }
  std::string out;
  for (const Value& p : pairs) {
    std::vector<Value> kv = r.iterate(p);
    if (kv.size() != 2) raise(ErrorKind::value, "urlencode expects (key, value) pairs");
    if (!out.empty()) out += '&';
    out += url_quote(r.str(kv[0]), true) + "=" + url_quote(r.str(kv[1]), true);
  }
  return Value(std::move(out));
}

Value f_xmlattr(Renderer& r, Value v, CallArgs& a) {
  Signature sig("xmlattr", a, {"autospace"});
  if (v.is_undefined()) r.fail_undefined(v);
  if (!v.is_dict()) type_error("xmlattr expects a mapping, not " + type_name(v));
  std::string out;
  for (const auto& [k, item] : v.dict().entries) {
    if (item.is_none() || item.is_undefined()) continue;
    std::string key = r.str(k);
    if (key.find_first_of(" \t\n\r\f\v/>=") != std::string::npos) {
      raise(ErrorKind::value, "Invalid character in attribute name: " + string_repr(key));
    }
    if (!out.empty()) out += ' ';
    out += html_escape(key) + "=\"" + (item.is_markup() ? item.str() : html_escape(r.str(item))) + "\"";
  }
  if (sig.bool_or(0, true) && !out.empty()) out = " " + out;
  return Value(std::move(out));
}

Value f_filesizeformat(Renderer& r, Value v, CallArgs& a) {
  Signature sig("filesizeformat", a, {"binary"});
  if (v.is_undefined()) r.fail_undefined(v);
  double bytes;
  if (v.is_number()) {
    bytes = v.float_value();
  } else if (v.is_string()) {
    char* end = nullptr;
    bytes = std::strtod(v.str().c_str(), &end);
    if (end == v.str().c_str()) raise(ErrorKind::value, "could not convert string to float: " + string_repr(v.str()));
  } else {
    type_error("float() argument must be a string or a real number, not '" + type_name(v) + "'");
  }
  bool binary = sig.bool_or(0, false);
  double base = binary ? 1024 : 1000;
  static const char* kDecimal[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* kBinary[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1) return Value("1 Byte");
  if (bytes < base) return Value(std::to_string(static_cast<std::int64_t>(bytes)) + " Bytes");
  char buf[64];
  double unit = base;
  for (int i = 0; i < 8; ++i) {
    unit = std::pow(base, i + 2);
    if (bytes < unit || i == 7) {
      std::snprintf(buf, sizeof buf, "%.1f %s", base * bytes / unit, binary ? kBinary[i] : kDecimal[i]);
      break;
    }
  }
  return Value(buf);
}

Value f_tojson(Renderer& r, Value v, CallArgs& a) {
  JsonStyle style;
  auto indent_of = [](const Value* indent) -> std::optional<std::string> {
    if (!indent || indent->is_none()) return std::nullopt;
    if (indent->is_string()) return indent->str();
    return std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, as_index(*indent))), ' ');
  };
  if (r.options().tojson == TojsonStyle::transformers) {
    // transformers: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)
    Signature sig("tojson", a, {"ensure_ascii", "indent", "separators", "sort_keys"});
    style.html_safe = false;
    style.ensure_ascii = sig.bool_or(0, false);
    style.indent = indent_of(sig.get(1));
    style.sort_keys = sig.bool_or(3, false);
    if (style.indent) style.item_separator = ",";
    if (sig.has(2)) {
      std::vector<Value> seps = r.iterate(*sig.get(2));
      if (seps.size() != 2) raise(ErrorKind::value, "separators must be an (item_separator, key_separator) pair");
      style.item_separator = r.str(seps[0]);
      style.key_separator = r.str(seps[1]);
    }
    if (v.is_undefined() && r.strict()) r.fail_undefined(v);
    return Value(json_dumps(v, style));
  }
  Signature sig("tojson", a, {"indent"});
  style.indent = indent_of(sig.get(0));
  if (style.indent) style.item_separator = ",";
  if (v.is_undefined() && r.strict()) r.fail_undefined(v);
  return Value::markup(json_dumps(v, style));
}

}  // namespace

const std::vector<FilterEntry>& string_filters() {
  static const std::vector<FilterEntry> kFilters = {
      {"capitalize", f_capitalize}, {"center", f_center},         {"e", f_escape},
      {"escape", f_escape},         {"filesizeformat", f_filesizeformat}, {"forceescape", f_forceescape},
      {"format", f_format},         {"indent", f_indent},         {"lower", f_lower},
      {"replace", f_replace},       {"safe", f_safe},             {"string", f_string},
      {"striptags", f_striptags},   {"title", f_title},           {"tojson", f_tojson},
      {"trim", f_trim},             {"truncate", f_truncate},     {"upper", f_upper},
      {"urlencode", f_urlencode},   {"wordcount", f_wordcount},   {"xmlattr", f_xmlattr},
  };
  return kFilters;
}

}  // namespace llmctl::jinja
