// The template engine's value model: Python's types as jinja2 sees them.
// Lists, dicts and objects are shared (reference semantics, like Python), so
// copying a Value is cheap and `ns.x = ...` or list.append() are visible to
// every holder. Dicts keep insertion order like Python dicts.
#pragma once

#include "text/jinja/error.hpp"
#include "util/output.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace llmctl::jinja {

class Value;
class Object;
class Renderer;

// Why a value is undefined, for jinja2's UndefinedError messages.
struct UndefinedInfo {
  std::string name;      // the missing name or attribute; repr() of an element
  std::string owner;     // object_type_repr of the object looked into ("" for names)
  bool element = false;  // looked up with a non-string key: "has no element"
  std::string hint;      // replaces the generated message when set
  ErrorKind kind = ErrorKind::undefined;  // security for the sandbox's unsafe attributes

  std::string message() const;
};

// Sequences share one representation; the kind is what Python would call them.
enum class SeqKind : std::uint8_t {
  list, tuple, range, dict_keys, dict_values, dict_items,
  iterator,  // generators and iterators: single pass, no len(), always true
};

struct List {
  std::vector<Value> items;
  SeqKind kind = SeqKind::list;
  std::size_t consumed = 0;                   // iterator: items already taken
  std::string_view iterator_type = "generator";  // iterator: Python type name
  std::int64_t range_start = 0, range_stop = 0, range_step = 1;  // range: for repr
  bool group = false;  // tuple made by |groupby: also has .grouper and .list
};

struct Dict;

class Value {
 public:
  enum class Type : std::uint8_t { undefined, none, boolean, integer, floating, string, list, dict, object };

  Value();  // undefined, with no name (jinja2's `missing`)
  Value(bool b) : data_(b) {}
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  Value(T i) : data_(static_cast<std::int64_t>(i)) {}
  Value(double d) : data_(d) {}
  Value(std::string s);
  Value(std::string_view s) : Value(std::string(s)) {}
  Value(const char* s) : Value(std::string(s)) {}
  Value(std::shared_ptr<List> list) : data_(std::move(list)) {}
  Value(std::shared_ptr<Dict> dict) : data_(std::move(dict)) {}
  Value(std::shared_ptr<Object> object) : data_(std::move(object)) {}

  static Value none();
  static Value undefined(UndefinedInfo info);
  static Value undefined_name(std::string name);
  static Value markup(std::string s);  // markupsafe.Markup: a string marked safe
  static Value new_list(std::vector<Value> items = {});
  static Value tuple(std::vector<Value> items);
  static Value sequence(SeqKind kind, std::vector<Value> items);
  static Value iterator(std::vector<Value> items, std::string_view type_name = "generator");
  static Value new_dict();

  Type type() const { return static_cast<Type>(data_.index()); }
  bool is_undefined() const { return type() == Type::undefined; }
  bool is_none() const { return type() == Type::none; }
  bool is_bool() const { return type() == Type::boolean; }
  bool is_int() const { return type() == Type::integer; }
  bool is_float() const { return type() == Type::floating; }
  bool is_number() const { return is_int() || is_float() || is_bool(); }
  bool is_string() const { return type() == Type::string; }
  bool is_list() const { return type() == Type::list; }
  bool is_dict() const { return type() == Type::dict; }
  bool is_object() const { return type() == Type::object; }
  bool is_markup() const { return is_string() && markup_; }
  bool is_seq(SeqKind kind) const { return is_list() && list().kind == kind; }

  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(data_); }
  double as_float() const { return std::get<double>(data_); }
  // Numbers as Python does arithmetic on them (bool is an int).
  std::int64_t int_value() const { return is_bool() ? as_bool() : as_int(); }
  double float_value() const { return is_float() ? as_float() : static_cast<double>(int_value()); }
  const std::string& str() const { return *std::get<std::shared_ptr<const std::string>>(data_); }
  List& list() const { return *std::get<std::shared_ptr<List>>(data_); }
  Dict& dict() const { return *std::get<std::shared_ptr<Dict>>(data_); }
  Object& object() const { return *std::get<std::shared_ptr<Object>>(data_); }
  const std::shared_ptr<Object>& object_ptr() const { return std::get<std::shared_ptr<Object>>(data_); }
  const UndefinedInfo& undefined_info() const;

  // Identity, for the `sameas` test and `is` semantics of shared objects.
  const void* identity() const;

 private:
  using Data = std::variant<std::shared_ptr<const UndefinedInfo>, std::monostate, bool, std::int64_t,
                            double, std::shared_ptr<const std::string>, std::shared_ptr<List>,
                            std::shared_ptr<Dict>, std::shared_ptr<Object>>;
  Data data_;
  bool markup_ = false;
};

struct Dict {
  std::vector<std::pair<Value, Value>> entries;

  const Value* find(std::string_view key) const;
  const Value* find(const std::string& key) const { return find(std::string_view(key)); }
  const Value* find(const char* key) const { return find(std::string_view(key)); }
  const Value* find(const Value& key) const;  // Python key equality (1 == 1.0 == True)
  void set(Value key, Value value);           // replaces in place or appends
  bool erase(const Value& key);
  std::size_t size() const { return entries.size(); }
};

// Positional and keyword arguments of a call, in source order.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;

  const Value* keyword(std::string_view name) const;
};

// Anything that is not a plain Python value: namespaces, loop contexts,
// macros and functions. Each says which Python class it stands for, so
// messages and tests (`is callable`, `is mapping`) match jinja2's.
class Object {
 public:
  virtual ~Object() = default;
  // The class as object_type_repr prints it: "jinja2.utils.Namespace".
  virtual std::string class_path() const = 0;
  virtual std::optional<Value> attribute(std::string_view name) const;
  virtual bool set_attribute(std::string_view name, Value value);  // false: read-only
  virtual bool callable() const { return false; }
  virtual Value call(Renderer& renderer, CallArgs& args);
  // str() of the object; nullopt when Python's repr holds a memory address
  // and so cannot be reproduced (printing it is then an unsupported feature).
  virtual std::optional<std::string> repr() const { return std::nullopt; }
};

using NativeFunction = std::function<Value(const CallArgs&)>;

// A callable that templates can use: raise_exception, strftime_now and other
// hooks registered by callers.
Value make_function(std::string name, NativeFunction fn);

// The Python class name of a value ("str", "dict", "NoneType").
std::string type_name(const Value& v);
// jinja2's object_type_repr: "dict object", "None", "jinja2.utils.Namespace object".
std::string object_type_repr(const Value& v);

// str() and repr() as Python prints them (used for {{ }} output and messages).
std::string to_str(const Value& v);
std::string repr(const Value& v);
std::string float_repr(double d);
std::string string_repr(std::string_view s);
// HTML escape of markupsafe.escape.
std::string html_escape(std::string_view s);

// Python truthiness (undefined is false; the caller enforces strictness).
bool truthy(const Value& v);
// Python ==, with jinja2's Undefined == Undefined.
bool equals(const Value& a, const Value& b);
// Values usable as dict keys must be hashable; raises TypeError otherwise.
void require_hashable(const Value& v);

// Conversion from and to JSON, the format callers pass contexts in.
Value from_json(const Json& json);
Json to_json(const Value& v);  // raises TypeError for values JSON cannot hold

}  // namespace llmctl::jinja
