// Statements: output, control flow, assignments, macros and scopes.
#include "text/jinja/renderer.hpp"

#include "text/jinja/objects.hpp"

namespace llmctl::jinja {

Value* Frame::find(std::string_view name) {
  for (auto& [k, v] : vars) {
    if (k == name) return &v;
  }
  return nullptr;
}

void Frame::set(std::string_view name, Value value) {
  if (Value* v = find(name)) {
    *v = std::move(value);
  } else {
    vars.emplace_back(name, std::move(value));
  }
}

// Makes `frame` current for its lifetime.
class ScopedFrame {
 public:
  ScopedFrame(Renderer& r, std::shared_ptr<Frame> frame) : r_(r), saved_(std::move(r.frame_)) {
    r_.frame_ = std::move(frame);
  }
  ~ScopedFrame() { r_.frame_ = std::move(saved_); }
  ScopedFrame(const ScopedFrame&) = delete;
  ScopedFrame& operator=(const ScopedFrame&) = delete;

 private:
  Renderer& r_;
  std::shared_ptr<Frame> saved_;
};

namespace {

// Redirects output into a string for its lifetime.
class Capture {
 public:
  explicit Capture(std::string*& out) : out_(out), saved_(out) { out_ = &buffer; }
  ~Capture() { out_ = saved_; }
  std::string buffer;

 private:
  std::string*& out_;
  std::string* saved_;
};

}  // namespace

// Bounds macro and loop recursion, which Python stops with a RecursionError
// (and which would otherwise exhaust the C++ stack).
class CallDepth {
 public:
  explicit CallDepth(Renderer& r) : r_(r) {
    if (++r_.call_depth_ > kMaxCallDepth) {
      --r_.call_depth_;
      raise(ErrorKind::recursion, "maximum recursion depth exceeded");
    }
  }
  ~CallDepth() { --r_.call_depth_; }
  CallDepth(const CallDepth&) = delete;
  CallDepth& operator=(const CallDepth&) = delete;

 private:
  static constexpr int kMaxCallDepth = 200;
  Renderer& r_;
};

Renderer::Renderer(const TemplateNode& root, const Environment::State& env, const Value& context)
    : root_(root), env_(env), context_(context) {
  frame_ = new_frame(nullptr, &root.scope);
}

Renderer::~Renderer() {
  for (const auto& weak : frames_) {
    if (auto frame = weak.lock()) frame->vars.clear();
  }
}

std::shared_ptr<Frame> Renderer::new_frame(std::shared_ptr<Frame> parent, const Scope* scope) {
  auto f = std::make_shared<Frame>();
  f->parent = std::move(parent);
  f->scope = scope;
  if (frames_.size() >= prune_at_) {  // forget frames already gone (macro calls make many)
    std::erase_if(frames_, [](const std::weak_ptr<Frame>& w) { return w.expired(); });
    prune_at_ = 2 * frames_.size() + 64;
  }
  frames_.push_back(f);
  return f;
}

std::string Renderer::render() {
  std::string out;
  out_ = &out;
  exec(root_.body);
  return out;
}

Renderer::Flow Renderer::exec(const Body& body) {
  for (const auto& s : body) {
    Flow flow = exec(*s);
    if (flow != Flow::normal) return flow;
  }
  return Flow::normal;
}

std::string Renderer::capture(const Body& body, const Scope& scope) {
  Capture capture(out_);
  ScopedFrame frame(*this, new_frame(frame_, &scope));
  exec(body);
  return std::move(capture.buffer);
}

Renderer::Flow Renderer::exec(const Stmt& s) {
  try {
    switch (s.kind) {
      case StmtKind::text: *out_ += static_cast<const TextStmt&>(s).text; break;
      case StmtKind::print: {
        Value v = eval(*static_cast<const PrintStmt&>(s).expr);
        if (v.is_string()) {
          *out_ += v.str();
        } else {
          *out_ += str(v);
        }
        break;
      }
      case StmtKind::if_: {
        const auto& node = static_cast<const IfStmt&>(s);
        for (const auto& [test, body] : node.branches) {
          if (truthy(eval(*test))) return exec(body);
        }
        return exec(node.else_body);
      }
      case StmtKind::for_: {
        const auto& node = static_cast<const ForStmt&>(s);
        Value iterable = eval(*node.iter);
        exec_for(node, iterable, 0);
        break;
      }
      case StmtKind::set: {
        const auto& node = static_cast<const SetStmt&>(s);
        assign(node.target, eval(*node.value));
        break;
      }
      case StmtKind::set_block: {
        const auto& node = static_cast<const SetBlockStmt&>(s);
        std::string body = capture(node.body, node.scope);
        assign(node.target, node.filter ? apply_filter_chain(*node.filter, std::move(body)) : Value(std::move(body)));
        break;
      }
      case StmtKind::macro: {
        const auto& def = static_cast<const MacroStmt&>(s).def;
        frame_->set(def.name, Value(std::shared_ptr<Object>(std::make_shared<MacroObject>(def, frame_))));
        break;
      }
      case StmtKind::call_block: {
        const auto& node = static_cast<const CallBlockStmt&>(s);
        Value callee = eval(*node.call->callee);
        CallArgs args = eval_args(node.call->args);
        args.keywords.emplace_back("caller", Value(std::shared_ptr<Object>(std::make_shared<MacroObject>(node.caller, frame_))));
        *out_ += str(call(callee, args));
        break;
      }
      case StmtKind::filter_block: {
        const auto& node = static_cast<const FilterBlockStmt&>(s);
        std::string body = capture(node.body, node.scope);
        *out_ += str(apply_filter_chain(*node.filter, std::move(body)));
        break;
      }
      case StmtKind::with: {
        const auto& node = static_cast<const WithStmt&>(s);
        std::vector<Value> values;
        for (const auto& v : node.values) values.push_back(eval(*v));  // in the outer scope
        ScopedFrame frame(*this, new_frame(frame_, &node.scope));
        for (std::size_t i = 0; i < node.targets.size(); ++i) assign(node.targets[i], values[i]);
        return exec(node.body);
      }
      case StmtKind::generation: {
        const auto& node = static_cast<const BodyStmt&>(s);
        ScopedFrame frame(*this, new_frame(frame_, &node.scope));
        exec(node.body);
        break;
      }
      case StmtKind::break_: return Flow::break_;
      case StmtKind::continue_: return Flow::continue_;
    }
  } catch (const TemplateError& e) {
    if (e.has_position()) throw;
    throw e.with_position(root_.name, s.pos.line, s.pos.column);
  }
  return Flow::normal;
}

Value Renderer::apply_filter_chain(const Expr& filter, std::string body) {
  Value input(std::move(body));
  return eval_filter(static_cast<const FilterExpr&>(filter), &input);
}

void Renderer::exec_for(const ForStmt& node, const Value& iterable, int depth) {
  std::vector<Value> items = iterate(iterable);
  if (node.filter) {
    // `for x in y if cond`: the test sees the loop target, not `loop`.
    std::vector<Value> kept;
    ScopedFrame frame(*this, new_frame(frame_, nullptr));
    for (Value& item : items) {
      frame_->vars.clear();
      assign(node.target, item);
      if (truthy(eval(*node.filter))) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  if (items.empty()) {
    ScopedFrame frame(*this, new_frame(frame_, &node.else_scope));
    exec(node.else_body);
    return;
  }
  auto loop = std::make_shared<LoopObject>();
  loop->items = std::make_shared<const std::vector<Value>>(std::move(items));
  loop->depth0 = depth;
  loop->node = &node;
  loop->frame = frame_;
  Value loop_value{std::shared_ptr<Object>(loop)};
  std::shared_ptr<Frame> body = new_frame(frame_, &node.body_scope);
  for (std::size_t i = 0; i < loop->items->size(); ++i) {
    // A fresh frame per iteration, reused unless a macro defined in the
    // body captured it.
    if (body.use_count() > 1) {
      body = new_frame(frame_, &node.body_scope);
    } else {
      body->vars.clear();
    }
    loop->index0 = i;
    ScopedFrame frame(*this, body);
    frame_->set("loop", loop_value);
    assign(node.target, (*loop->items)[i]);
    if (exec(node.body) == Flow::break_) break;
  }
}

Value Renderer::call_loop(LoopObject& loop, CallArgs& args) {
  if (!loop.node->recursive) type_error("The loop must have the 'recursive' marker to be called recursively.");
  if (args.positional.size() != 1 || !args.keywords.empty()) type_error("loop() takes exactly one argument");
  CallDepth depth(*this);
  Capture capture(out_);
  ScopedFrame frame(*this, loop.frame);
  exec_for(*loop.node, args.positional[0], loop.depth0 + 1);
  return Value(std::move(capture.buffer));
}

void Renderer::assign(const Target& target, const Value& value) {
  switch (target.kind) {
    case Target::Kind::name: frame_->set(target.name, value); return;
    case Target::Kind::ns_attr: {
      Value ns = lookup(target.name);
      if (!ns.is_object() || !ns.object().set_attribute(target.attr, value)) {
        raise(ErrorKind::runtime, "cannot assign attribute on non-namespace object");
      }
      return;
    }
    case Target::Kind::tuple: {
      std::vector<Value> items = iterate(value);
      std::size_t expected = target.items.size();
      if (items.size() > expected) {
        raise(ErrorKind::value, "too many values to unpack (expected " + std::to_string(expected) + ")");
      }
      if (items.size() < expected) {
        raise(ErrorKind::value, "not enough values to unpack (expected " + std::to_string(expected) + ", got " +
                                    std::to_string(items.size()) + ")");
      }
      for (std::size_t i = 0; i < expected; ++i) assign(target.items[i], items[i]);
      return;
    }
  }
}

Value Renderer::call_macro(const MacroObject& macro, CallArgs& args) {
  CallDepth depth(*this);
  const MacroDef& def = macro.def;
  const std::size_t count = def.params.size();
  // Parameters bound from the call; `given` marks which ones (optional<Value>
  // trips GCC 12's maybe-uninitialized warning on variants).
  std::vector<Value> bound(count);
  std::vector<bool> given(count, false);
  for (std::size_t i = 0; i < count && i < args.positional.size(); ++i) {
    bound[i] = args.positional[i];
    given[i] = true;
  }
  auto kwargs = args.keywords;
  auto take = [&](std::string_view name, Value& out) {
    for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
      if (it->first == name) {
        out = std::move(it->second);
        kwargs.erase(it);
        return true;
      }
    }
    return false;
  };
  for (std::size_t i = args.positional.size(); i < count; ++i) given[i] = take(def.params[i].name, bound[i]);
  Value caller;
  bool has_caller = def.uses_caller && take("caller", caller);
  Value kwargs_value = Value::new_dict();
  if (def.uses_kwargs) {
    for (auto& [k, v] : kwargs) kwargs_value.dict().set(k, std::move(v));
  } else if (!kwargs.empty()) {
    Value ignored;
    if (take("caller", ignored)) {
      type_error("macro '" + def.name +
                 "' was invoked with two values for the special caller argument. This is most likely a bug.");
    }
    type_error("macro '" + def.name + "' takes no keyword argument '" + kwargs.front().first + "'");
  }
  Value varargs = Value::tuple({});
  if (args.positional.size() > count) {
    if (!def.uses_varargs) {
      type_error("macro '" + def.name + "' takes not more than " + std::to_string(count) + " argument(s)");
    }
    varargs = Value::tuple(std::vector<Value>(args.positional.begin() + static_cast<long>(count), args.positional.end()));
  }

  Capture capture(out_);
  ScopedFrame frame(*this, new_frame(macro.closure, &def.scope));
  for (std::size_t i = 0; i < count; ++i) {
    const Param& p = def.params[i];
    if (given[i]) {
      frame_->set(p.name, std::move(bound[i]));
    } else if (p.default_value) {
      frame_->set(p.name, eval(*p.default_value));  // defaults see earlier parameters
    } else {
      UndefinedInfo info;
      info.name = p.name;
      info.hint = "parameter '" + p.name + "' was not provided";
      frame_->set(p.name, Value::undefined(std::move(info)));
    }
  }
  if (def.uses_caller) {
    if (!has_caller) {
      UndefinedInfo info;
      info.name = "caller";
      info.hint = "No caller defined";
      caller = Value::undefined(std::move(info));
    }
    frame_->set("caller", caller);
  }
  if (def.uses_kwargs) frame_->set("kwargs", kwargs_value);
  if (def.uses_varargs) frame_->set("varargs", varargs);
  exec(def.body);
  return Value(std::move(capture.buffer));
}

}  // namespace llmctl::jinja
