#include "text/jinja/value.hpp"

#include <limits>

namespace llmctl::jinja {

std::string UndefinedInfo::message() const {
  if (!hint.empty()) return hint;
  if (owner.empty()) return string_repr(name) + " is undefined";
  if (element) return owner + " has no element " + name;
  return string_repr(owner) + " has no attribute " + string_repr(name);
}

Value::Value() = default;

Value::Value(std::string s) : data_(std::make_shared<const std::string>(std::move(s))) {}

Value Value::none() {
  Value v;
  v.data_ = std::monostate{};
  return v;
}

Value Value::undefined(UndefinedInfo info) {
  Value v;
  v.data_ = std::make_shared<const UndefinedInfo>(std::move(info));
  return v;
}

Value Value::undefined_name(std::string name) {
  UndefinedInfo info;
  info.name = std::move(name);
  return undefined(std::move(info));
}

Value Value::markup(std::string s) {
  Value v(std::move(s));
  v.markup_ = true;
  return v;
}

Value Value::new_list(std::vector<Value> items) { return sequence(SeqKind::list, std::move(items)); }
Value Value::tuple(std::vector<Value> items) { return sequence(SeqKind::tuple, std::move(items)); }

Value Value::sequence(SeqKind kind, std::vector<Value> items) {
  auto list = std::make_shared<List>();
  list->items = std::move(items);
  list->kind = kind;
  return Value(std::move(list));
}

Value Value::iterator(std::vector<Value> items, std::string_view type_name) {
  Value v = sequence(SeqKind::iterator, std::move(items));
  v.list().iterator_type = type_name;
  return v;
}

Value Value::new_dict() { return Value(std::make_shared<Dict>()); }

const UndefinedInfo& Value::undefined_info() const {
  static const UndefinedInfo missing;  // immutable: the info of a bare `missing`
  const auto& info = std::get<std::shared_ptr<const UndefinedInfo>>(data_);
  return info ? *info : missing;
}

const void* Value::identity() const {
  switch (type()) {
    case Type::string: return std::get<std::shared_ptr<const std::string>>(data_).get();
    case Type::list: return &list();
    case Type::dict: return &dict();
    case Type::object: return &object();
    default: return nullptr;
  }
}

const Value* Dict::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_string() && k.str() == key) return &v;
  }
  return nullptr;
}

const Value* Dict::find(const Value& key) const {
  if (key.is_string()) return find(std::string_view(key.str()));
  for (const auto& [k, v] : entries) {
    if (equals(k, key)) return &v;
  }
  return nullptr;
}

void Dict::set(Value key, Value value) {
  for (auto& [k, v] : entries) {
    if (equals(k, key)) {
      v = std::move(value);
      return;
    }
  }
  entries.emplace_back(std::move(key), std::move(value));
}

bool Dict::erase(const Value& key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (equals(it->first, key)) {
      entries.erase(it);
      return true;
    }
  }
  return false;
}

const Value* CallArgs::keyword(std::string_view name) const {
  for (const auto& [k, v] : keywords) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::optional<Value> Object::attribute(std::string_view) const { return std::nullopt; }
bool Object::set_attribute(std::string_view, Value) { return false; }

Value Object::call(Renderer&, CallArgs&) {
  std::string path = class_path();
  type_error("'" + path.substr(path.rfind('.') + 1) + "' object is not callable");
}

namespace {

class NativeFunctionObject : public Object {
 public:
  NativeFunctionObject(std::string name, NativeFunction fn) : name_(std::move(name)), fn_(std::move(fn)) {}
  std::string class_path() const override { return "function"; }
  bool callable() const override { return true; }
  Value call(Renderer&, CallArgs& args) override { return fn_(args); }

 private:
  std::string name_;
  NativeFunction fn_;
};

}  // namespace

Value make_function(std::string name, NativeFunction fn) {
  return Value(std::shared_ptr<Object>(std::make_shared<NativeFunctionObject>(std::move(name), std::move(fn))));
}

std::string type_name(const Value& v) {
  switch (v.type()) {
    case Value::Type::undefined: return "Undefined";
    case Value::Type::none: return "NoneType";
    case Value::Type::boolean: return "bool";
    case Value::Type::integer: return "int";
    case Value::Type::floating: return "float";
    case Value::Type::string: return v.is_markup() ? "Markup" : "str";
    case Value::Type::list:
      switch (v.list().kind) {
        case SeqKind::list: return "list";
        case SeqKind::tuple: return "tuple";
        case SeqKind::range: return "range";
        case SeqKind::dict_keys: return "dict_keys";
        case SeqKind::dict_values: return "dict_values";
        case SeqKind::dict_items: return "dict_items";
        case SeqKind::iterator: return std::string(v.list().iterator_type);
      }
      return "list";
    case Value::Type::dict: return "dict";
    case Value::Type::object: {
      std::string path = v.object().class_path();
      return path.substr(path.rfind('.') + 1);
    }
  }
  return "object";
}

std::string object_type_repr(const Value& v) {
  if (v.is_none()) return "None";
  if (v.is_undefined()) return "jinja2.runtime.Undefined object";
  if (v.is_markup()) return "markupsafe.Markup object";
  if (v.is_object()) return v.object().class_path() + " object";
  return type_name(v) + " object";
}

bool truthy(const Value& v) {
  switch (v.type()) {
    case Value::Type::undefined:
    case Value::Type::none: return false;
    case Value::Type::boolean: return v.as_bool();
    case Value::Type::integer: return v.as_int() != 0;
    case Value::Type::floating: return v.as_float() != 0.0;
    case Value::Type::string: return !v.str().empty();
    case Value::Type::list: return v.list().kind == SeqKind::iterator || !v.list().items.empty();
    case Value::Type::dict: return v.dict().size() > 0;
    case Value::Type::object: return true;
  }
  return false;
}

namespace {

bool sequences_equal(const List& a, const List& b) {
  if (a.items.size() != b.items.size()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    if (!equals(a.items[i], b.items[i])) return false;
  }
  return true;
}

bool dicts_equal(const Dict& a, const Dict& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : a.entries) {
    const Value* other = b.find(k);
    if (!other || !equals(v, *other)) return false;
  }
  return true;
}

}  // namespace

bool equals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.float_value() == b.float_value();
    return a.int_value() == b.int_value();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::undefined:
    case Value::Type::none: return true;
    case Value::Type::string: return a.str() == b.str();
    case Value::Type::list: {
      const List& x = a.list();
      const List& y = b.list();
      if (&x == &y) return true;
      if (x.kind != y.kind || x.kind == SeqKind::iterator || x.kind == SeqKind::dict_values) return false;
      return sequences_equal(x, y);
    }
    case Value::Type::dict: return &a.dict() == &b.dict() || dicts_equal(a.dict(), b.dict());
    case Value::Type::object: return &a.object() == &b.object();
    default: return false;
  }
}

void require_hashable(const Value& v) {
  if (v.is_dict()) type_error("unhashable type: 'dict'");
  if (v.is_list()) {
    SeqKind kind = v.list().kind;
    if (kind == SeqKind::tuple) {
      for (const Value& item : v.list().items) require_hashable(item);
    } else if (kind != SeqKind::range && kind != SeqKind::iterator) {
      type_error("unhashable type: '" + type_name(v) + "'");
    }
  }
}

Value from_json(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null: return Value::none();
    case Json::value_t::boolean: return Value(json.get<bool>());
    case Json::value_t::number_integer: return Value(json.get<std::int64_t>());
    case Json::value_t::number_unsigned: {
      auto u = json.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        unsupported("integer " + std::to_string(u) + " does not fit in 64 bits");
      }
      return Value(static_cast<std::int64_t>(u));
    }
    case Json::value_t::number_float: return Value(json.get<double>());
    case Json::value_t::string: return Value(json.get<std::string>());
    case Json::value_t::array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(from_json(item));
      return Value::new_list(std::move(items));
    }
    case Json::value_t::object: {
      Value d = Value::new_dict();
      d.dict().entries.reserve(json.size());
      for (const auto& [k, item] : json.items()) d.dict().entries.emplace_back(Value(k), from_json(item));
      return d;
    }
    default: unsupported("binary JSON values are not supported");
  }
}

Json to_json(const Value& v) {
  switch (v.type()) {
    case Value::Type::none: return nullptr;
    case Value::Type::boolean: return v.as_bool();
    case Value::Type::integer: return v.as_int();
    case Value::Type::floating: return v.as_float();
    case Value::Type::string: return v.str();
    case Value::Type::list: {
      Json out = Json::array();
      for (const Value& item : v.list().items) out.push_back(to_json(item));
      return out;
    }
    case Value::Type::dict: {
      Json out = Json::object();
      for (const auto& [k, item] : v.dict().entries) {
        out[k.is_string() ? k.str() : to_str(k)] = to_json(item);
      }
      return out;
    }
    default: type_error("Object of type " + type_name(v) + " is not JSON serializable");
  }
}

}  // namespace llmctl::jinja
