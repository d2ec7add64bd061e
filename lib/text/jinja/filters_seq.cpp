// Sequence, number and mapping filters, and the filter lookup table.
#include "text/jinja/builtins.hpp"
#include "text/jinja/filters.hpp"
#include "text/jinja/objects.hpp"
#include "text/jinja/unicode.hpp"
#include "text/jinja/value_ops.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace llmctl::jinja {

Value ignore_case(const Value& v) { return v.is_string() ? Value(unicode::lower(v.str())) : v; }

Getter attribute_getter(Renderer& r, const Value* attribute, bool lower_strings, const Value* fallback) {
  std::vector<Value> parts;
  if (attribute && !attribute->is_none()) {
    if (attribute->is_string()) {
      for (const std::string& part : unicode::split(attribute->str(), ".", -1, false)) {
        bool digits = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
        parts.push_back(digits ? Value(std::strtoll(part.c_str(), nullptr, 10)) : Value(part));
      }
    } else {
      parts.push_back(*attribute);
    }
  }
  Value fb = fallback ? *fallback : Value::none();
  bool has_fallback = fallback && !fallback->is_none();
  return [&r, parts, lower_strings, fb, has_fallback](const Value& item) {
    Value v = item;
    for (const Value& part : parts) {
      v = r.getitem(v, part);
      if (has_fallback && v.is_undefined()) v = fb;
    }
    return lower_strings ? ignore_case(v) : v;
  };
}

namespace {

bool less(const Value& a, const Value& b) { return order(a, b, "<") < 0; }

Value f_default(Renderer& r, Value v, CallArgs& a) {
  Signature sig("default", a, {"default_value", "boolean"});
  if (v.is_undefined() || (sig.bool_or(1, false) && !r.truthy(v))) return sig.get_or(0, Value(""));
  return v;
}

Value f_length(Renderer& r, Value v, CallArgs& a) {
  Signature("length", a, {});
  return r.length(v);
}

Value f_list(Renderer& r, Value v, CallArgs& a) {
  Signature("list", a, {});
  return Value::new_list(r.iterate(v));
}

Value f_first(Renderer& r, Value v, CallArgs& a) {
  Signature("first", a, {});
  if (v.is_seq(SeqKind::iterator)) {
    List& it = v.list();
    if (it.consumed < it.items.size()) return it.items[it.consumed++];
  } else {
    std::vector<Value> items = r.iterate(v);
    if (!items.empty()) return items.front();
  }
  UndefinedInfo info;
  info.hint = "No first item, sequence was empty.";
  return Value::undefined(std::move(info));
}

Value f_last(Renderer& r, Value v, CallArgs& a) {
  Signature("last", a, {});
  if (v.is_seq(SeqKind::iterator)) type_error("'" + type_name(v) + "' object is not reversible");
  std::vector<Value> items = r.iterate(v);
  if (!items.empty()) return items.back();
  UndefinedInfo info;
  info.hint = "No last item, sequence was empty.";
  return Value::undefined(std::move(info));
}

Value f_join(Renderer& r, Value v, CallArgs& a) {
  Signature sig("join", a, {"d", "attribute"});
  std::string sep = sig.get(0) ? r.str(*sig.get(0)) : "";
  Getter get = attribute_getter(r, sig.get(1));
  std::string out;
  bool first = true;
  for (const Value& item : r.iterate(v)) {
    if (!first) out += sep;
    first = false;
    out += r.str(sig.get(1) ? get(item) : item);
  }
  return Value(std::move(out));
}

Value f_map(Renderer& r, Value v, CallArgs& a) {
  std::vector<Value> out;
  if (a.positional.empty() && a.keyword("attribute")) {
    const Value* fallback = a.keyword("default");
    for (const auto& [k, val] : a.keywords) {
      if (k != "attribute" && k != "default") raise(ErrorKind::runtime, "Unexpected keyword argument '" + k + "'");
    }
    Getter get = attribute_getter(r, a.keyword("attribute"), false, fallback);
    for (const Value& item : r.iterate(v)) out.push_back(get(item));
  } else {
    if (a.positional.empty()) raise(ErrorKind::runtime, "map requires a filter argument");
    std::string name = r.str(a.positional[0]);
    CallArgs rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.keywords = a.keywords;
    for (const Value& item : r.iterate(v)) {
      CallArgs call = rest;
      out.push_back(r.call_filter(name, item, call));
    }
  }
  return Value::iterator(std::move(out));
}

// select / reject / selectattr / rejectattr (jinja2's select_or_reject).
Value select_or_reject(Renderer& r, const Value& v, CallArgs& a, bool keep_if, bool lookup_attr) {
  std::vector<Value> out;
  if (!r.truthy(v)) return Value::iterator(std::move(out));
  std::size_t off = 0;
  Getter get = [](const Value& x) { return x; };
  if (lookup_attr) {
    if (a.positional.empty()) raise(ErrorKind::runtime, "Missing parameter for attribute name");
    get = attribute_getter(r, &a.positional[0]);
    off = 1;
  }
  std::optional<std::string> test;
  CallArgs rest;
  if (a.positional.size() > off) {
    test = r.str(a.positional[off]);
    rest.positional.assign(a.positional.begin() + static_cast<long>(off) + 1, a.positional.end());
  }
  rest.keywords = a.keywords;
  for (const Value& item : r.iterate(v)) {
    Value subject = get(item);
    CallArgs call = rest;
    bool result = test ? r.call_test(*test, subject, call) : r.truthy(subject);
    if (result == keep_if) out.push_back(item);
  }
  return Value::iterator(std::move(out));
}

Value f_select(Renderer& r, Value v, CallArgs& a) { return select_or_reject(r, v, a, true, false); }
Value f_reject(Renderer& r, Value v, CallArgs& a) { return select_or_reject(r, v, a, false, false); }
Value f_selectattr(Renderer& r, Value v, CallArgs& a) { return select_or_reject(r, v, a, true, true); }
Value f_rejectattr(Renderer& r, Value v, CallArgs& a) { return select_or_reject(r, v, a, false, true); }

// Sort keys for |sort: one or more attributes, compared as a list.
std::vector<Value> sort_keys(Renderer& r, const Value& item, const Value* attribute, bool case_sensitive) {
  std::vector<Value> keys;
  if (attribute && attribute->is_string()) {
    for (const std::string& part : unicode::split(attribute->str(), ",", -1, false)) {
      Value p(part);
      keys.push_back(attribute_getter(r, &p, !case_sensitive)(item));
    }
  } else {
    keys.push_back(attribute_getter(r, attribute, !case_sensitive)(item));
  }
  return keys;
}

Value f_sort(Renderer& r, Value v, CallArgs& a) {
  Signature sig("sort", a, {"reverse", "case_sensitive", "attribute"});
  bool reverse = sig.bool_or(0, false), case_sensitive = sig.bool_or(1, false);
  std::vector<Value> items = r.iterate(v);
  std::vector<std::pair<Value, Value>> keyed;
  for (Value& item : items) keyed.emplace_back(Value::new_list(sort_keys(r, item, sig.get(2), case_sensitive)), item);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return reverse ? less(y.first, x.first) : less(x.first, y.first);
  });
  std::vector<Value> out;
  for (auto& [k, item] : keyed) out.push_back(std::move(item));
  return Value::new_list(std::move(out));
}

Value f_dictsort(Renderer& r, Value v, CallArgs& a) {
  Signature sig("dictsort", a, {"case_sensitive", "by", "reverse"});
  bool case_sensitive = sig.bool_or(0, false), reverse = sig.bool_or(2, false);
  std::string by = sig.str_or(1, "key");
  if (by != "key" && by != "value") raise(ErrorKind::runtime, "You can only sort by either \"key\" or \"value\"");
  if (v.is_undefined()) r.fail_undefined(v);
  if (!v.is_dict()) type_error("dictsort expects a mapping, not " + type_name(v));
  std::vector<Value> pairs;
  for (const auto& [k, item] : v.dict().entries) pairs.push_back(Value::tuple({k, item}));
  std::size_t pos = by == "key" ? 0 : 1;
  auto key = [&](const Value& p) { return case_sensitive ? p.list().items[pos] : ignore_case(p.list().items[pos]); };
  std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& x, const Value& y) {
    return reverse ? less(key(y), key(x)) : less(key(x), key(y));
  });
  return Value::new_list(std::move(pairs));
}

Value f_unique(Renderer& r, Value v, CallArgs& a) {
  Signature sig("unique", a, {"case_sensitive", "attribute"});
  Getter get = attribute_getter(r, sig.get(1), !sig.bool_or(0, false));
  std::vector<Value> seen, out;
  for (const Value& item : r.iterate(v)) {
    Value key = get(item);
    require_hashable(key);
    if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); })) continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return Value::iterator(std::move(out));
}

Value min_or_max(Renderer& r, const Value& v, CallArgs& a, const char* name, bool max) {
  Signature sig(name, a, {"case_sensitive", "attribute"});
  std::vector<Value> items = r.iterate(v);
  if (items.empty()) {
    UndefinedInfo info;
    info.hint = "No aggregated item, sequence was empty.";
    return Value::undefined(std::move(info));
  }
  Getter key = attribute_getter(r, sig.get(1), !sig.bool_or(0, false));
  std::size_t best = 0;
  Value best_key = key(items[0]);
  for (std::size_t i = 1; i < items.size(); ++i) {
    Value k = key(items[i]);
    if (max ? less(best_key, k) : less(k, best_key)) {
      best = i;
      best_key = k;
    }
  }
  return items[best];
}

Value f_min(Renderer& r, Value v, CallArgs& a) { return min_or_max(r, v, a, "min", false); }
Value f_max(Renderer& r, Value v, CallArgs& a) { return min_or_max(r, v, a, "max", true); }

Value f_sum(Renderer& r, Value v, CallArgs& a) {
  Signature sig("sum", a, {"attribute", "start"});
  Getter get = attribute_getter(r, sig.get(0));
  Value total = sig.get_or(1, Value(0));
  if (total.is_string()) type_error("sum() can't sum strings [use ''.join(seq) instead]");
  for (const Value& item : r.iterate(v)) {
    Value x = get(item);
    if (x.is_undefined()) r.fail_undefined(x);
    total = binary_op(BinOp::add, total, x);
  }
  return total;
}

Value f_reverse(Renderer& r, Value v, CallArgs& a) {
  Signature("reverse", a, {});
  if (v.is_string()) {
    std::vector<char32_t> cps = unicode::decode(v.str());
    std::string out;
    for (auto it = cps.rbegin(); it != cps.rend(); ++it) unicode::append(out, *it);
    return v.is_markup() ? Value::markup(std::move(out)) : Value(std::move(out));
  }
  bool iterator = v.is_seq(SeqKind::iterator);
  std::vector<Value> items = r.iterate(v);
  std::reverse(items.begin(), items.end());
  if (iterator) return Value::new_list(std::move(items));  // reversed() refuses iterators: list(value)[::-1]
  const char* type = v.is_seq(SeqKind::list) ? "list_reverseiterator"
                     : v.is_seq(SeqKind::range) ? "range_iterator"
                     : v.is_dict() ? "dict_reversekeyiterator" : "reversed";
  return Value::iterator(std::move(items), type);
}

Value f_batch(Renderer& r, Value v, CallArgs& a) {
  Signature sig("batch", a, {"linecount", "fill_with"}, 1);
  std::int64_t count = sig.int_or(0, 1);
  std::vector<Value> out, tmp;
  for (Value& item : r.iterate(v)) {
    if (static_cast<std::int64_t>(tmp.size()) == count) {
      out.push_back(Value::new_list(std::move(tmp)));
      tmp.clear();
    }
    tmp.push_back(std::move(item));
  }
  if (!tmp.empty()) {
    if (sig.has(1)) {
      while (static_cast<std::int64_t>(tmp.size()) < count) tmp.push_back(*sig.get(1));
    }
    out.push_back(Value::new_list(std::move(tmp)));
  }
  return Value::iterator(std::move(out));
}

Value f_slice(Renderer& r, Value v, CallArgs& a) {
  Signature sig("slice", a, {"slices", "fill_with"}, 1);
  std::vector<Value> seq = r.iterate(v);
  std::int64_t slices = sig.int_or(0, 1);
  if (slices == 0) raise(ErrorKind::zero_division, "integer division or modulo by zero");
  auto length = static_cast<std::int64_t>(seq.size());
  std::int64_t per = length / slices, extra = length % slices, offset = 0;
  std::vector<Value> out;
  for (std::int64_t n = 0; n < slices; ++n) {
    std::int64_t start = offset + n * per;
    if (n < extra) ++offset;
    std::int64_t end = offset + (n + 1) * per;
    std::vector<Value> tmp(seq.begin() + start, seq.begin() + end);
    if (sig.has(1) && n >= extra) tmp.push_back(*sig.get(1));
    out.push_back(Value::new_list(std::move(tmp)));
  }
  return Value::iterator(std::move(out));
}

Value f_groupby(Renderer& r, Value v, CallArgs& a) {
  Signature sig("groupby", a, {"attribute", "default", "case_sensitive"}, 1);
  bool case_sensitive = sig.bool_or(2, false);
  Getter key = attribute_getter(r, sig.get(0), !case_sensitive, sig.get(1));
  Getter real_key = attribute_getter(r, sig.get(0), false, sig.get(1));
  std::vector<std::pair<Value, Value>> keyed;
  for (Value& item : r.iterate(v)) keyed.emplace_back(key(item), item);
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) { return less(x.first, y.first); });
  std::vector<Value> groups;
  for (std::size_t i = 0; i < keyed.size();) {
    std::size_t j = i;
    std::vector<Value> members;
    while (j < keyed.size() && equals(keyed[j].first, keyed[i].first)) members.push_back(keyed[j++].second);
    Value grouper = case_sensitive ? keyed[i].first : real_key(members.front());
    Value group = Value::tuple({grouper, Value::new_list(std::move(members))});
    group.list().group = true;
    groups.push_back(std::move(group));
    i = j;
  }
  return Value::new_list(std::move(groups));
}

Value f_items(Renderer&, Value v, CallArgs& a) {
  Signature("items", a, {});
  std::vector<Value> out;
  if (v.is_undefined()) return Value::iterator(std::move(out));
  if (!v.is_dict()) type_error("Can only get item pairs from a mapping.");
  for (const auto& [k, item] : v.dict().entries) out.push_back(Value::tuple({k, item}));
  return Value::iterator(std::move(out));
}

Value f_attr(Renderer& r, Value v, CallArgs& a) {
  Signature sig("attr", a, {"name"}, 1);
  std::string name = r.str(*sig.get(0));
  if (v.is_undefined()) r.fail_undefined(v);
  bool exists = v.is_object() ? v.object().attribute(name).has_value() : method_kind(v, name) != MethodKind::none;
  if (!exists) {
    UndefinedInfo info;
    info.name = name;
    info.owner = object_type_repr(v);
    return Value::undefined(std::move(info));
  }
  return r.getattr(v, name);
}

// ---- numbers ---------------------------------------------------------------
std::optional<double> parse_float(std::string s) {
  s = std::string(unicode::strip(s, true, true));
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return d;
}

std::optional<std::int64_t> parse_int(std::string s, int base) {
  s = std::string(unicode::strip(s, true, true));
  if (s.find("__") != std::string::npos || (!s.empty() && (s.front() == '_' || s.back() == '_'))) return std::nullopt;
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  std::size_t digits = s.empty() || (s[0] != '+' && s[0] != '-') ? 0 : 1;
  if (base == 16 && s.size() > digits + 1 && s[digits] == '0' && (s[digits + 1] | 0x20) == 'x') digits += 2;
  if (digits >= s.size()) return std::nullopt;
  for (std::size_t i = digits; i < s.size(); ++i) {
    int d = std::isdigit(static_cast<unsigned char>(s[i])) ? s[i] - '0' : std::isalpha(static_cast<unsigned char>(s[i])) ? (s[i] | 0x20) - 'a' + 10 : 99;
    if (d >= base) return std::nullopt;
  }
  errno = 0;
  long long v = std::strtoll(s.c_str(), nullptr, base);
  if (errno == ERANGE) unsupported("integer " + s + " does not fit in 64 bits");
  return v;
}

Value f_int(Renderer& r, Value v, CallArgs& a) {
  Signature sig("int", a, {"default", "base"});
  if (v.is_undefined()) r.fail_undefined(v);  // int(Undefined) raises, uncaught by do_int
  Value fallback = sig.get_or(0, Value(0));
  if (v.is_int() || v.is_bool()) return v.int_value();
  auto from_float = [&](double d) -> Value {
    if (std::isnan(d)) return fallback;
    if (std::isinf(d)) raise(ErrorKind::overflow, "cannot convert float infinity to integer");
    if (std::fabs(d) >= 9.2e18) unsupported("integer overflow: template integers are limited to 64 bits");
    return static_cast<std::int64_t>(d);
  };
  if (v.is_float()) return from_float(v.as_float());
  if (v.is_string()) {
    if (auto i = parse_int(v.str(), static_cast<int>(sig.int_or(1, 10)))) return *i;
    if (auto d = parse_float(v.str())) return from_float(*d);
  }
  return fallback;
}

Value f_float(Renderer& r, Value v, CallArgs& a) {
  Signature sig("float", a, {"default"});
  if (v.is_undefined()) r.fail_undefined(v);
  if (v.is_number()) return v.float_value();
  if (v.is_string()) {
    std::string lower = unicode::lower(std::string(unicode::strip(v.str(), true, true)));
    if (lower == "nan" || lower == "+nan" || lower == "-nan") return std::nan("");
    if (auto d = parse_float(v.str())) return *d;
  }
  return sig.get_or(0, Value(0.0));
}

Value f_abs(Renderer&, Value v, CallArgs& a) {
  Signature("abs", a, {});
  if (v.is_int() || v.is_bool()) return v.int_value() < 0 ? negate(v, true) : Value(v.int_value());
  if (v.is_float()) return std::fabs(v.as_float());
  type_error("bad operand type for abs(): '" + type_name(v) + "'");
}

// Python's round(x, n): correctly rounded, ties to even (as printf does).
Value f_round(Renderer&, Value v, CallArgs& a) {
  Signature sig("round", a, {"precision", "method"});
  std::int64_t precision = sig.int_or(0, 0);
  std::string method = sig.str_or(1, "common");
  if (method != "common" && method != "ceil" && method != "floor") {
    raise(ErrorKind::runtime, "method must be common, ceil or floor");
  }
  if (!v.is_number()) type_error("type " + type_name(v) + " doesn't define __round__ method");
  if (method == "common") {
    if (!v.is_float()) {
      if (precision >= 0) return v.int_value();
      unsupported("round() of an integer to negative digits");
    }
    double d = v.as_float();
    if (!std::isfinite(d)) return d;
    if (precision >= 0) {
      char buf[512];
      std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::min<std::int64_t>(precision, 300)), d);
      return std::strtod(buf, nullptr);
    }
    double p = std::pow(10.0, static_cast<double>(-precision));
    return std::nearbyint(d / p) * p;
  }
  double p = std::pow(10.0, static_cast<double>(precision));
  double x = v.float_value() * p;
  return (method == "ceil" ? std::ceil(x) : std::floor(x)) / p;
}

const std::vector<FilterEntry>& seq_filters() {
  static const std::vector<FilterEntry> kFilters = {
      {"abs", f_abs},         {"attr", f_attr},     {"batch", f_batch},   {"count", f_length},
      {"d", f_default},       {"default", f_default}, {"dictsort", f_dictsort}, {"first", f_first},
      {"float", f_float},     {"groupby", f_groupby}, {"int", f_int},     {"items", f_items},
      {"join", f_join},       {"last", f_last},     {"length", f_length}, {"list", f_list},
      {"map", f_map},         {"max", f_max},       {"min", f_min},       {"reject", f_reject},
      {"rejectattr", f_rejectattr}, {"reverse", f_reverse}, {"round", f_round}, {"select", f_select},
      {"selectattr", f_selectattr}, {"slice", f_slice}, {"sort", f_sort}, {"sum", f_sum},
      {"unique", f_unique},
  };
  return kFilters;
}

}  // namespace

const std::vector<FilterEntry>& sequence_filters() { return seq_filters(); }

FilterFn find_filter(std::string_view name, Availability& availability) {
  for (const auto* table : {&string_filters(), &sequence_filters()}) {
    for (const FilterEntry& e : *table) {
      if (e.name == name) {
        availability = Availability::available;
        return e.fn;
      }
    }
  }
  static constexpr std::string_view kUnsupported[] = {"pprint", "random", "urlize", "wordwrap"};
  bool known = std::find(std::begin(kUnsupported), std::end(kUnsupported), name) != std::end(kUnsupported);
  availability = known ? Availability::unsupported : Availability::unknown;
  return nullptr;
}

}  // namespace llmctl::jinja
