// Python's str, list and dict methods, callable from templates
// ("a,b".split(","), d.items(), ns.list.append(x) outside the sandbox).
#include "text/jinja/args.hpp"
#include "text/jinja/objects.hpp"
#include "text/jinja/unicode.hpp"
#include "text/jinja/value_ops.hpp"

#include <algorithm>

namespace llmctl::jinja {

namespace {

template <std::size_t N>
bool in(const std::string_view (&names)[N], std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

constexpr std::string_view kStrMethods[] = {
    "capitalize", "casefold", "center", "count", "endswith", "find", "format", "index", "isalnum", "isalpha",
    "isascii", "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join", "ljust",
    "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust",
    "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper",
    "zfill"};
constexpr std::string_view kStrUnsupported[] = {"encode", "expandtabs", "format_map", "isidentifier", "isprintable", "maketrans",
                                   "translate", "escape", "unescape", "striptags"};
constexpr std::string_view kListMethods[] = {"copy", "count", "index"};
constexpr std::string_view kListMutating[] = {"append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"};
constexpr std::string_view kDictMethods[] = {"copy", "get", "items", "keys", "values"};
constexpr std::string_view kDictMutating[] = {"clear", "pop", "popitem", "setdefault", "update"};
constexpr std::string_view kNumberAttrs[] = {"bit_length", "bit_count", "conjugate", "to_bytes", "as_integer_ratio", "real",
                                "imag", "numerator", "denominator", "is_integer", "hex", "fromhex", "from_bytes"};

// Code point index <-> byte offset for str.find and friends.
struct Indexed {
  const std::string& s;
  std::size_t length;
  std::size_t byte(std::int64_t i) const { return unicode::offset_of(s, static_cast<std::size_t>(i)); }
  std::int64_t index(std::size_t byte) const {
    return static_cast<std::int64_t>(unicode::length(std::string_view(s).substr(0, byte)));
  }
  // Python's slice adjustment of start/end arguments.
  std::pair<std::size_t, std::size_t> range(const Signature& sig, std::size_t a, std::size_t b) const {
    auto n = static_cast<std::int64_t>(length);
    auto adjust = [&](std::size_t k, std::int64_t fallback) {
      if (!sig.has(k)) return fallback;
      std::int64_t i = as_index(*sig.get(k));
      if (i < 0) i = std::max<std::int64_t>(0, i + n);
      return std::min(i, n);
    };
    std::int64_t start = adjust(a, 0), end = adjust(b, n);
    if (end < start) return {std::string::npos, std::string::npos};
    return {byte(start), byte(end)};
  }
};

Value str_list(const std::vector<std::string>& parts) {
  std::vector<Value> items(parts.begin(), parts.end());
  return Value::new_list(std::move(items));
}

bool all_chars(const std::string& s, bool (*pred)(char32_t)) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size();) {
    if (!pred(unicode::next(s, i))) return false;
  }
  return true;
}

std::string justify(const std::string& s, const CallArgs& args, const char* fn, char align) {
  Signature sig(fn, args, {"width", "fillchar"}, 1);
  std::int64_t width = sig.int_or(0, 0);
  std::string fill = sig.has(1) ? as_string(*sig.get(1), "fillchar") : " ";
  auto len = static_cast<std::int64_t>(unicode::length(s));
  if (width <= len) return s;
  std::int64_t total = width - len;
  // CPython's str.center puts the odd space on the left when `width` is odd.
  std::int64_t left = align == '<' ? 0 : align == '>' ? total : total / 2 + (total & width & 1);
  std::string out;
  for (std::int64_t i = 0; i < left; ++i) out += fill;
  out += s;
  for (std::int64_t i = left; i < total; ++i) out += fill;
  return out;
}

Value str_method(Renderer& r, const std::string& s, std::string_view name, CallArgs& args) {
  auto no_args = [&]() { Signature(name, args, {}); };
  auto strip = [&](bool left, bool right) -> Value {
    Signature sig(name, args, {"chars"});
    if (!sig.has(0)) return Value(std::string(unicode::strip(s, left, right)));
    return Value(std::string(unicode::strip_chars(s, as_string(*sig.get(0), "chars"), left, right)));
  };
  auto split = [&](bool from_right) -> Value {
    Signature sig(name, args, {"sep", "maxsplit"});
    std::int64_t maxsplit = sig.int_or(1, -1);
    if (!sig.has(0)) return str_list(unicode::split_whitespace(s, maxsplit, from_right));
    const std::string& sep = as_string(*sig.get(0), "sep");
    if (sep.empty()) raise(ErrorKind::value, "empty separator");
    return str_list(unicode::split(s, sep, maxsplit, from_right));
  };
  auto affix = [&](bool starts) -> Value {
    Signature sig(name, args, {"prefix", "start", "end"}, 1);
    Indexed ix{s, unicode::length(s)};
    auto [a, b] = ix.range(sig, 1, 2);
    if (a == std::string::npos) return false;
    std::string_view part = std::string_view(s).substr(a, b - a);
    const Value& arg = *sig.get(0);
    std::vector<Value> options = arg.is_seq(SeqKind::tuple) ? arg.list().items : std::vector<Value>{arg};
    for (const Value& o : options) {
      if (!o.is_string()) {
        type_error(std::string(name) + " first arg must be str or a tuple of str, not " + type_name(o));
      }
      const std::string& p = o.str();
      if (part.size() >= p.size() && (starts ? part.substr(0, p.size()) : part.substr(part.size() - p.size())) == p) {
        return true;
      }
    }
    return false;
  };
  auto find = [&](bool reverse, bool raise_missing) -> Value {
    Signature sig(name, args, {"sub", "start", "end"}, 1);
    const std::string& sub = as_string(*sig.get(0), "must be str, not");
    Indexed ix{s, unicode::length(s)};
    auto [a, b] = ix.range(sig, 1, 2);
    std::size_t hit = std::string::npos;
    if (a != std::string::npos && b - a >= sub.size()) {
      std::string_view part = std::string_view(s).substr(a, b - a);
      hit = reverse ? part.rfind(sub) : part.find(sub);
    }
    if (hit == std::string::npos) {
      if (raise_missing) raise(ErrorKind::value, "substring not found");
      return -1;
    }
    return ix.index(a + hit);
  };

  if (name == "upper") return no_args(), Value(unicode::upper(s));
  if (name == "lower" || name == "casefold") return no_args(), Value(unicode::lower(s));
  if (name == "title") return no_args(), Value(unicode::title(s));
  if (name == "capitalize") return no_args(), Value(unicode::capitalize(s));
  if (name == "swapcase") {
    no_args();
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
      char32_t c = unicode::next(s, i);
      unicode::append(out, unicode::is_upper(c) ? unicode::to_lower(c) : unicode::is_lower(c) ? unicode::to_upper(c) : c);
    }
    return Value(std::move(out));
  }
  if (name == "strip") return strip(true, true);
  if (name == "lstrip") return strip(true, false);
  if (name == "rstrip") return strip(false, true);
  if (name == "split") return split(false);
  if (name == "rsplit") return split(true);
  if (name == "splitlines") {
    Signature sig(name, args, {"keepends"});
    return str_list(unicode::splitlines(s, sig.bool_or(0, false)));
  }
  if (name == "startswith") return affix(true);
  if (name == "endswith") return affix(false);
  if (name == "find") return find(false, false);
  if (name == "rfind") return find(true, false);
  if (name == "index") return find(false, true);
  if (name == "rindex") return find(true, true);
  if (name == "count") {
    Signature sig(name, args, {"sub", "start", "end"}, 1);
    const std::string& sub = as_string(*sig.get(0), "must be str, not");
    Indexed ix{s, unicode::length(s)};
    auto [a, b] = ix.range(sig, 1, 2);
    if (a == std::string::npos) return 0;
    std::string_view part = std::string_view(s).substr(a, b - a);
    if (sub.empty()) return static_cast<std::int64_t>(unicode::length(part)) + 1;
    std::int64_t n = 0;
    for (std::size_t at = part.find(sub); at != std::string::npos; at = part.find(sub, at + sub.size())) ++n;
    return n;
  }
  if (name == "replace") {
    Signature sig(name, args, {"old", "new", "count"}, 2);
    const std::string& old = as_string(*sig.get(0), "replace() argument 1");
    const std::string& repl = as_string(*sig.get(1), "replace() argument 2");
    std::int64_t count = sig.int_or(2, -1);
    std::string out;
    if (old.empty()) {  // inserts `repl` around every code point
      std::int64_t done = 0;
      std::size_t i = 0;
      while (i <= s.size()) {
        if (count < 0 || done < count) {
          out += repl;
          ++done;
        }
        if (i == s.size()) break;
        std::size_t start = i;
        unicode::next(s, i);
        out.append(s, start, i - start);
      }
      return Value(std::move(out));
    }
    std::size_t pos = 0;
    for (std::int64_t done = 0; count < 0 || done < count; ++done) {
      std::size_t hit = s.find(old, pos);
      if (hit == std::string::npos) break;
      out.append(s, pos, hit - pos);
      out += repl;
      pos = hit + old.size();
    }
    out.append(s, pos, std::string::npos);
    return Value(std::move(out));
  }
  if (name == "join") {
    Signature sig(name, args, {"iterable"}, 1);
    std::string out;
    std::size_t i = 0;
    for (const Value& item : r.iterate(*sig.get(0))) {
      if (!item.is_string()) {
        type_error("sequence item " + std::to_string(i) + ": expected str instance, " + type_name(item) + " found");
      }
      if (i++ > 0) out += s;
      out += item.str();
    }
    return Value(std::move(out));
  }
  if (name == "format") return Value(brace_format(s, args));
  if (name == "center") return Value(justify(s, args, "center", '^'));
  if (name == "ljust") return Value(justify(s, args, "ljust", '<'));
  if (name == "rjust") return Value(justify(s, args, "rjust", '>'));
  if (name == "zfill") {
    Signature sig(name, args, {"width"}, 1);
    std::int64_t width = sig.int_or(0, 0);
    auto len = static_cast<std::int64_t>(unicode::length(s));
    if (width <= len) return Value(s);
    std::size_t sign = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
    return Value(s.substr(0, sign) + std::string(static_cast<std::size_t>(width - len), '0') + s.substr(sign));
  }
  if (name == "partition" || name == "rpartition") {
    Signature sig(name, args, {"sep"}, 1);
    const std::string& sep = as_string(*sig.get(0), "must be str, not");
    if (sep.empty()) raise(ErrorKind::value, "empty separator");
    bool right = name == "rpartition";
    std::size_t hit = right ? s.rfind(sep) : s.find(sep);
    if (hit == std::string::npos) {
      return right ? Value::tuple({Value(""), Value(""), Value(s)}) : Value::tuple({Value(s), Value(""), Value("")});
    }
    return Value::tuple({Value(s.substr(0, hit)), Value(sep), Value(s.substr(hit + sep.size()))});
  }
  if (name == "removeprefix" || name == "removesuffix") {
    Signature sig(name, args, {"affix"}, 1);
    const std::string& a = as_string(*sig.get(0), "must be str, not");
    if (name == "removeprefix") return Value(s.compare(0, a.size(), a) == 0 ? s.substr(a.size()) : s);
    bool ends = s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0;
    return Value(ends ? s.substr(0, s.size() - a.size()) : s);
  }
  no_args();
  if (name == "isalnum") return all_chars(s, unicode::is_alnum);
  if (name == "isalpha") return all_chars(s, unicode::is_alpha);
  if (name == "isascii") return unicode::is_ascii(s);
  if (name == "isdecimal") return all_chars(s, unicode::is_decimal);
  if (name == "isdigit") return all_chars(s, unicode::is_digit);
  if (name == "isnumeric") return all_chars(s, unicode::is_numeric);
  if (name == "isspace") return unicode::is_space_string(s);
  bool cased = false, upper = true, lower = true, title = true, previous_cased = false;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = unicode::next(s, i);
    bool u = unicode::is_upper(c), l = unicode::is_lower(c);
    cased |= u || l;
    upper &= !l;
    lower &= !u;
    if ((u && previous_cased) || (l && !previous_cased)) title = false;
    previous_cased = unicode::is_cased(c);
  }
  if (name == "isupper") return cased && upper;
  if (name == "islower") return cased && lower;
  return cased && title;  // istitle
}

Value list_method(Renderer& r, const Value& self, std::string_view name, CallArgs& args) {
  std::vector<Value>& items = self.list().items;
  if (name == "count" || name == "index") {
    Signature sig(name, args, {"value"}, 1);
    std::int64_t n = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!equals(items[i], *sig.get(0))) continue;
      if (name == "index") return static_cast<std::int64_t>(i);
      ++n;
    }
    if (name == "index") raise(ErrorKind::value, repr(*sig.get(0)) + " is not in " + type_name(self));
    return n;
  }
  if (name == "copy") return Signature(name, args, {}), Value::new_list(items);
  if (name == "append") {
    Signature sig(name, args, {"object"}, 1);
    items.push_back(*sig.get(0));
  } else if (name == "extend") {
    Signature sig(name, args, {"iterable"}, 1);
    for (Value& v : r.iterate(*sig.get(0))) items.push_back(std::move(v));
  } else if (name == "insert") {
    Signature sig(name, args, {"index", "object"}, 2);
    auto n = static_cast<std::int64_t>(items.size());
    std::int64_t i = as_index(*sig.get(0));
    i = i < 0 ? std::max<std::int64_t>(0, i + n) : std::min(i, n);
    items.insert(items.begin() + i, *sig.get(1));
  } else if (name == "pop") {
    Signature sig(name, args, {"index"});
    if (items.empty()) raise(ErrorKind::index, "pop from empty list");
    auto n = static_cast<std::int64_t>(items.size());
    std::int64_t i = sig.int_or(0, -1);
    if (i < 0) i += n;
    if (i < 0 || i >= n) raise(ErrorKind::index, "pop index out of range");
    Value v = items[static_cast<std::size_t>(i)];
    items.erase(items.begin() + i);
    return v;
  } else if (name == "remove") {
    Signature sig(name, args, {"value"}, 1);
    auto it = std::find_if(items.begin(), items.end(), [&](const Value& v) { return equals(v, *sig.get(0)); });
    if (it == items.end()) raise(ErrorKind::value, "list.remove(x): x not in list");
    items.erase(it);
  } else if (name == "reverse") {
    Signature(name, args, {});
    std::reverse(items.begin(), items.end());
  } else if (name == "clear") {
    Signature(name, args, {});
    items.clear();
  } else if (name == "sort") {
    Signature sig(name, args, {"key", "reverse"});
    if (sig.has(0)) unsupported("list.sort(key=...) is not supported");
    bool reverse = sig.bool_or(1, false);
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
      return reverse ? order(b, a, "<") < 0 : order(a, b, "<") < 0;
    });
  }
  return Value::none();
}

Value dict_method(Renderer&, const Value& self, std::string_view name, CallArgs& args) {
  Dict& d = self.dict();
  auto view = [&](SeqKind kind) {
    Signature(name, args, {});
    std::vector<Value> items;
    items.reserve(d.size());
    for (const auto& [k, v] : d.entries) {
      items.push_back(kind == SeqKind::dict_keys ? k : kind == SeqKind::dict_values ? v : Value::tuple({k, v}));
    }
    return Value::sequence(kind, std::move(items));
  };
  if (name == "items") return view(SeqKind::dict_items);
  if (name == "keys") return view(SeqKind::dict_keys);
  if (name == "values") return view(SeqKind::dict_values);
  if (name == "get") {
    Signature sig(name, args, {"key", "default"}, 1);
    require_hashable(*sig.get(0));
    const Value* v = d.find(*sig.get(0));
    return v ? *v : sig.get_or(1, Value::none());
  }
  if (name == "copy") return Signature(name, args, {}), Value(std::make_shared<Dict>(d));
  if (name == "clear") {
    Signature(name, args, {});
    d.entries.clear();
  } else if (name == "pop") {
    Signature sig(name, args, {"key", "default"}, 1);
    require_hashable(*sig.get(0));
    if (const Value* v = d.find(*sig.get(0))) {
      Value out = *v;
      d.erase(*sig.get(0));
      return out;
    }
    if (sig.get(1)) return *sig.get(1);
    raise(ErrorKind::key, repr(*sig.get(0)));
  } else if (name == "popitem") {
    Signature(name, args, {});
    if (d.entries.empty()) raise(ErrorKind::key, "'popitem(): dictionary is empty'");
    Value out = Value::tuple({d.entries.back().first, d.entries.back().second});
    d.entries.pop_back();
    return out;
  } else if (name == "setdefault") {
    Signature sig(name, args, {"key", "default"}, 1);
    require_hashable(*sig.get(0));
    if (const Value* v = d.find(*sig.get(0))) return *v;
    Value fallback = sig.get_or(1, Value::none());
    d.set(*sig.get(0), fallback);
    return fallback;
  } else if (name == "update") {
    if (args.positional.size() > 1) type_error("update expected at most 1 argument, got " + std::to_string(args.positional.size()));
    if (!args.positional.empty()) {
      const Value& other = args.positional[0];
      if (!other.is_dict()) unsupported("dict.update() with a " + type_name(other));
      for (const auto& [k, v] : other.dict().entries) d.set(k, v);
    }
    for (const auto& [k, v] : args.keywords) d.set(k, v);
  }
  return Value::none();
}

}  // namespace

MethodKind method_kind(const Value& self, std::string_view name) {
  switch (self.type()) {
    case Value::Type::string:
      if (in(kStrMethods, name)) return MethodKind::supported;
      if (in(kStrUnsupported, name)) return MethodKind::unsupported;
      return MethodKind::none;
    case Value::Type::list: {
      SeqKind kind = self.list().kind;
      if (kind == SeqKind::list) {
        if (in(kListMethods, name)) return MethodKind::supported;
        if (in(kListMutating, name)) return MethodKind::mutating;
      } else if (kind == SeqKind::tuple && (name == "count" || name == "index")) {
        return MethodKind::supported;
      }
      return MethodKind::none;
    }
    case Value::Type::dict:
      if (in(kDictMethods, name)) return MethodKind::supported;
      if (in(kDictMutating, name)) return MethodKind::mutating;
      if (name == "fromkeys") return MethodKind::unsupported;
      return MethodKind::none;
    case Value::Type::integer:
    case Value::Type::floating:
    case Value::Type::boolean:
      return in(kNumberAttrs, name) ? MethodKind::unsupported : MethodKind::none;
    default: return MethodKind::none;
  }
}

Value call_method(Renderer& renderer, const Value& self, std::string_view name, CallArgs& args) {
  if (self.is_string()) return str_method(renderer, self.str(), name, args);
  if (self.is_list()) return list_method(renderer, self, name, args);
  if (self.is_dict()) return dict_method(renderer, self, name, args);
  unsupported("method '" + std::string(name) + "' of " + type_name(self));
}

}  // namespace llmctl::jinja
