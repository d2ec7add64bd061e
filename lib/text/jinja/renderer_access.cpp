// The Python object protocol as jinja2 applies it: str(), bool(), iter(),
// len(), `in`, attribute and item lookup and slicing, with jinja2's
// Undefined and sandbox rules.
#include "text/jinja/objects.hpp"
#include "text/jinja/renderer.hpp"
#include "text/jinja/unicode.hpp"

namespace llmctl::jinja {

std::string Renderer::str(const Value& v) const {
  if (v.is_undefined() && strict()) fail_undefined(v);
  return to_str(v);
}

bool Renderer::truthy(const Value& v) const {
  if (v.is_undefined() && strict()) fail_undefined(v);
  return jinja::truthy(v);
}

std::vector<Value> Renderer::iterate(const Value& v) {
  switch (v.type()) {
    case Value::Type::undefined:
      if (strict()) fail_undefined(v);
      return {};
    case Value::Type::string: {
      std::vector<Value> out;
      const std::string& s = v.str();
      for (std::size_t i = 0; i < s.size();) {
        std::size_t start = i;
        unicode::next(s, i);
        out.emplace_back(s.substr(start, i - start));
      }
      return out;
    }
    case Value::Type::list: {
      List& list = v.list();
      if (list.kind != SeqKind::iterator) return list.items;
      std::vector<Value> rest(list.items.begin() + static_cast<long>(list.consumed), list.items.end());
      list.consumed = list.items.size();  // iterators are single pass
      return rest;
    }
    case Value::Type::dict: {
      std::vector<Value> keys;
      keys.reserve(v.dict().size());
      for (const auto& [k, item] : v.dict().entries) keys.push_back(k);
      return keys;
    }
    default: type_error("'" + type_name(v) + "' object is not iterable");
  }
}

std::int64_t Renderer::length(const Value& v) const {
  switch (v.type()) {
    case Value::Type::undefined:
      if (strict()) fail_undefined(v);
      return 0;
    case Value::Type::string: return static_cast<std::int64_t>(unicode::length(v.str()));
    case Value::Type::list:
      if (v.list().kind == SeqKind::iterator) break;
      return static_cast<std::int64_t>(v.list().items.size());
    case Value::Type::dict: return static_cast<std::int64_t>(v.dict().size());
    case Value::Type::object:
      if (auto* loop = dynamic_cast<const LoopObject*>(&v.object())) return static_cast<std::int64_t>(loop->items->size());
      break;
    default: break;
  }
  type_error("object of type '" + type_name(v) + "' has no len()");
}

bool Renderer::contains(const Value& container, const Value& item) const {
  if (strict() && item.is_undefined()) fail_undefined(item);
  switch (container.type()) {
    case Value::Type::undefined:
      if (strict()) fail_undefined(container);
      return false;
    case Value::Type::string:
      if (!item.is_string()) {
        type_error("'in <string>' requires string as left operand, not " + type_name(item));
      }
      return container.str().find(item.str()) != std::string::npos;
    case Value::Type::list: {
      List& list = container.list();
      if (list.kind == SeqKind::dict_keys || list.kind == SeqKind::dict_items) require_hashable(item);
      std::size_t from = list.kind == SeqKind::iterator ? list.consumed : 0;
      for (std::size_t i = from; i < list.items.size(); ++i) {
        if (equals(list.items[i], item)) {
          if (list.kind == SeqKind::iterator) list.consumed = i + 1;
          return true;
        }
      }
      if (list.kind == SeqKind::iterator) list.consumed = list.items.size();
      return false;
    }
    case Value::Type::dict:
      require_hashable(item);
      return container.dict().find(item) != nullptr;
    default: type_error("argument of type '" + type_name(container) + "' is not iterable");
  }
}

// ---- attribute and item lookup (jinja2 Environment/SandboxedEnvironment) -------
namespace {

// Python's special attributes (__class__, __dict__...) exist on every object.
bool is_dunder(std::string_view name) {
  return name.size() > 4 && name.substr(0, 2) == "__" && name.substr(name.size() - 2) == "__";
}

}  // namespace

Value Renderer::getattr(const Value& obj, std::string_view name) const {
  if (obj.is_undefined()) fail_undefined(obj);
  if (is_dunder(name)) {
    if (options().sandboxed) return unsafe_undefined(obj, name);
    unsupported("access to Python internals ('" + std::string(name) + "') is not supported");
  }
  if (obj.is_object()) {
    if (auto v = obj.object().attribute(name)) return *v;
  } else if (obj.is_list() && obj.list().group && (name == "grouper" || name == "list")) {
    return obj.list().items[name == "grouper" ? 0 : 1];
  } else {
    switch (method_kind(obj, name)) {
      case MethodKind::supported:
        return Value(std::shared_ptr<Object>(std::make_shared<BoundMethod>(obj, std::string(name))));
      case MethodKind::mutating:
        if (options().sandboxed) return unsafe_undefined(obj, name);
        return Value(std::shared_ptr<Object>(std::make_shared<BoundMethod>(obj, std::string(name))));
      case MethodKind::unsupported:
        unsupported("the " + type_name(obj) + " method '" + std::string(name) + "' is not supported");
      case MethodKind::none: break;
    }
    if (obj.is_dict()) {
      if (const Value* v = obj.dict().find(name)) return *v;
    }
  }
  UndefinedInfo info;
  info.name = std::string(name);
  info.owner = object_type_repr(obj);
  return Value::undefined(std::move(info));
}

namespace {

bool is_indexable(const Value& v) {
  if (v.is_string()) return true;
  if (!v.is_list()) return false;
  SeqKind k = v.list().kind;
  return k == SeqKind::list || k == SeqKind::tuple || k == SeqKind::range;
}

}  // namespace

Value Renderer::getitem(const Value& obj, const Value& key) const {
  if (obj.is_undefined()) fail_undefined(obj);
  if (obj.is_dict()) {
    bool hashable = true;
    try {
      require_hashable(key);
    } catch (const TemplateError&) {
      hashable = false;  // obj[key] raised TypeError: jinja2 falls back below
    }
    if (hashable) {
      if (const Value* v = obj.dict().find(key)) return *v;
    }
  } else if (is_indexable(obj) && (key.is_int() || key.is_bool())) {
    std::int64_t i = key.int_value();
    if (obj.is_string()) {
      const std::string& s = obj.str();
      std::int64_t n = unicode::is_ascii(s) ? static_cast<std::int64_t>(s.size())
                                            : static_cast<std::int64_t>(unicode::length(s));
      if (i < 0) i += n;
      if (i >= 0 && i < n) {
        std::size_t start = unicode::offset_of(s, static_cast<std::size_t>(i));
        std::size_t end = start;
        unicode::next(s, end);
        return Value(s.substr(start, end - start));
      }
    } else {
      const auto& items = obj.list().items;
      std::int64_t n = static_cast<std::int64_t>(items.size());
      if (i < 0) i += n;
      if (i >= 0 && i < n) return items[static_cast<std::size_t>(i)];
    }
  }
  if (key.is_string()) {
    // jinja2 retries obj[key] as getattr(obj, key): methods and object attributes.
    if (obj.is_object()) {
      if (auto v = obj.object().attribute(key.str())) return *v;
    } else if (method_kind(obj, key.str()) != MethodKind::none || is_dunder(key.str()) ||
               (obj.is_list() && obj.list().group)) {
      return getattr(obj, key.str());
    }
    UndefinedInfo info;
    info.name = key.str();
    info.owner = object_type_repr(obj);
    return Value::undefined(std::move(info));
  }
  UndefinedInfo info;
  info.name = repr(key);
  info.owner = object_type_repr(obj);
  info.element = true;
  return Value::undefined(std::move(info));
}

Value Renderer::eval_slice(const Value& obj, const SliceExpr& s) {
  Value parts[3] = {s.start ? eval(*s.start) : Value::none(), s.stop ? eval(*s.stop) : Value::none(),
                    s.step ? eval(*s.step) : Value::none()};
  if (obj.is_undefined()) fail_undefined(obj);
  bool valid = is_indexable(obj);
  for (const Value& p : parts) valid = valid && (p.is_none() || p.is_int() || p.is_bool());
  if (!valid) {
    UndefinedInfo info;
    info.name = "slice(" + repr(parts[0]) + ", " + repr(parts[1]) + ", " + repr(parts[2]) + ")";
    info.owner = object_type_repr(obj);
    info.element = true;
    return Value::undefined(std::move(info));
  }
  std::int64_t step = parts[2].is_none() ? 1 : parts[2].int_value();
  if (step == 0) raise(ErrorKind::value, "slice step cannot be zero");
  std::vector<char32_t> chars;
  std::int64_t n;
  if (obj.is_string()) {
    chars = unicode::decode(obj.str());
    n = static_cast<std::int64_t>(chars.size());
  } else {
    n = static_cast<std::int64_t>(obj.list().items.size());
  }
  // CPython's PySlice_AdjustIndices.
  auto adjust = [&](const Value& v, std::int64_t fallback) {
    if (v.is_none()) return fallback;
    std::int64_t i = v.int_value();
    if (i < 0) {
      i += n;
      if (i < 0) i = step < 0 ? -1 : 0;
    } else if (i >= n) {
      i = step < 0 ? n - 1 : n;
    }
    return i;
  };
  std::int64_t start = adjust(parts[0], step < 0 ? n - 1 : 0);
  std::int64_t stop = adjust(parts[1], step < 0 ? -1 : n);
  std::vector<std::int64_t> indices;
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) indices.push_back(i);
  if (obj.is_string()) {
    std::string out;
    for (std::int64_t i : indices) unicode::append(out, chars[static_cast<std::size_t>(i)]);
    return obj.is_markup() ? Value::markup(std::move(out)) : Value(std::move(out));
  }
  const List& list = obj.list();
  std::vector<Value> items;
  items.reserve(indices.size());
  for (std::int64_t i : indices) items.push_back(list.items[static_cast<std::size_t>(i)]);
  Value result = Value::sequence(list.kind, std::move(items));
  if (list.kind == SeqKind::range) {
    List& r = result.list();
    r.range_start = list.range_start + start * list.range_step;
    r.range_stop = list.range_start + stop * list.range_step;
    r.range_step = step * list.range_step;
  }
  return result;
}

}  // namespace llmctl::jinja
