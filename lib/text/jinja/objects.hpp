// The jinja2 runtime objects templates can hold: namespace(), the loop
// variable, macros, bound methods, cycler() and joiner().
#pragma once

#include "text/jinja/renderer.hpp"

namespace llmctl::jinja {

class NamespaceObject : public Object {
 public:
  Dict attrs;
  std::string class_path() const override { return "jinja2.utils.Namespace"; }
  std::optional<Value> attribute(std::string_view name) const override;
  bool set_attribute(std::string_view name, Value value) override;
  std::optional<std::string> repr() const override;
};

class LoopObject : public Object, public std::enable_shared_from_this<LoopObject> {
 public:
  std::shared_ptr<const std::vector<Value>> items;
  std::size_t index0 = 0;
  int depth0 = 0;
  const ForStmt* node = nullptr;            // recursive loops call the body again
  std::shared_ptr<Frame> frame;             // the frame the loop runs in
  mutable std::optional<std::vector<Value>> last_changed;  // loop.changed() state

  std::string class_path() const override { return "jinja2.runtime.LoopContext"; }
  std::optional<Value> attribute(std::string_view name) const override;
  bool callable() const override { return true; }
  Value call(Renderer& renderer, CallArgs& args) override { return renderer.call_loop(*this, args); }
  std::optional<std::string> repr() const override;
};

class MacroObject : public Object {
 public:
  MacroObject(const MacroDef& d, std::shared_ptr<Frame> c) : def(d), closure(std::move(c)) {}
  const MacroDef& def;
  std::shared_ptr<Frame> closure;

  std::string class_path() const override { return "jinja2.runtime.Macro"; }
  std::optional<Value> attribute(std::string_view name) const override;
  bool callable() const override { return true; }
  Value call(Renderer& renderer, CallArgs& args) override { return renderer.call_macro(*this, args); }
  std::optional<std::string> repr() const override { return "<Macro '" + def.name + "'>"; }
};

// obj.method, called later: "abc".upper, d.items, loop.cycle.
class BoundMethod : public Object {
 public:
  BoundMethod(Value s, std::string n) : self(std::move(s)), name(std::move(n)) {}
  Value self;
  std::string name;
  std::string class_path() const override { return "builtin_function_or_method"; }
  bool callable() const override { return true; }
  Value call(Renderer& renderer, CallArgs& args) override;
};

// methods.cpp: Python's str, list and dict methods.
enum class MethodKind { none, supported, mutating, unsupported };
MethodKind method_kind(const Value& self, std::string_view name);
Value call_method(Renderer& renderer, const Value& self, std::string_view name, CallArgs& args);

// builtins.cpp: range, dict, namespace, cycler, joiner, lipsum.
void add_builtin_globals(std::unordered_map<std::string, Value>& globals, const Options& options);

}  // namespace llmctl::jinja
