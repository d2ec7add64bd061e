#include "text/jinja/objects.hpp"

namespace llmctl::jinja {

std::optional<Value> NamespaceObject::attribute(std::string_view name) const {
  if (const Value* v = attrs.find(name)) return *v;
  return std::nullopt;
}

bool NamespaceObject::set_attribute(std::string_view name, Value value) {
  attrs.set(name, std::move(value));
  return true;
}

std::optional<std::string> NamespaceObject::repr() const {
  auto copy = std::make_shared<Dict>(attrs);
  return "<Namespace " + to_str(Value(copy)) + ">";
}

std::optional<Value> LoopObject::attribute(std::string_view name) const {
  auto length = static_cast<std::int64_t>(items->size());
  auto index0 = static_cast<std::int64_t>(this->index0);
  if (name == "index") return index0 + 1;
  if (name == "index0") return index0;
  if (name == "revindex") return length - index0;
  if (name == "revindex0") return length - index0 - 1;
  if (name == "first") return index0 == 0;
  if (name == "last") return index0 == length - 1;
  if (name == "length") return length;
  if (name == "depth") return depth0 + 1;
  if (name == "depth0") return depth0;
  if (name == "previtem" || name == "nextitem") {
    bool prev = name == "previtem";
    std::int64_t at = prev ? index0 - 1 : index0 + 1;
    if (at < 0 || at >= length) {
      UndefinedInfo info;
      info.hint = prev ? "there is no previous item" : "there is no next item";
      return Value::undefined(std::move(info));
    }
    return (*items)[static_cast<std::size_t>(at)];
  }
  auto self = std::const_pointer_cast<LoopObject>(shared_from_this());
  if (name == "cycle") {
    return make_function("cycle", [self](const CallArgs& args) -> Value {
      if (args.positional.empty()) type_error("no items for cycling given");
      return args.positional[self->index0 % args.positional.size()];
    });
  }
  if (name == "changed") {
    return make_function("changed", [self](const CallArgs& args) -> Value {
      const auto& values = args.positional;
      bool same = self->last_changed && self->last_changed->size() == values.size();
      for (std::size_t i = 0; same && i < values.size(); ++i) same = equals((*self->last_changed)[i], values[i]);
      if (same) return false;
      self->last_changed = values;
      return true;
    });
  }
  return std::nullopt;
}

std::optional<std::string> LoopObject::repr() const {
  return "<LoopContext " + std::to_string(index0 + 1) + "/" + std::to_string(items->size()) + ">";
}

std::optional<Value> MacroObject::attribute(std::string_view name) const {
  if (name == "name") return Value(def.name);
  if (name == "arguments") {
    std::vector<Value> names;
    for (const Param& p : def.params) names.emplace_back(p.name);
    return Value::tuple(std::move(names));
  }
  if (name == "catch_kwargs") return def.uses_kwargs;
  if (name == "catch_varargs") return def.uses_varargs;
  if (name == "caller") return def.uses_caller;
  return std::nullopt;
}

Value BoundMethod::call(Renderer& renderer, CallArgs& args) { return call_method(renderer, self, name, args); }

}  // namespace llmctl::jinja
