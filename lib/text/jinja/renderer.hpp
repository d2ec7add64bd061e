// The tree-walking evaluator (internal). One Renderer renders one template
// once; filters, tests and methods call back into it for Python semantics
// that depend on the environment (strict undefined, sandbox).
#pragma once

#include "text/jinja/ast.hpp"
#include "text/jinja/environment.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace llmctl::jinja {

struct Environment::State {
  Options options;
  std::unordered_map<std::string, Value> globals;
};

// Variables of one scope instance (the root, a loop iteration, a macro call).
struct Frame {
  std::shared_ptr<Frame> parent;  // the lexically enclosing frame
  const Scope* scope = nullptr;
  std::vector<std::pair<std::string_view, Value>> vars;

  Value* find(std::string_view name);
  void set(std::string_view name, Value value);
};

class MacroObject;
class LoopObject;

class Renderer {
 public:
  Renderer(const TemplateNode& root, const Environment::State& env, const Value& context);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;
  std::string render();

  const Options& options() const { return env_.options; }
  bool strict() const { return env_.options.strict_undefined; }

  // Python operations with jinja2's Undefined rules applied.
  [[noreturn]] void fail_undefined(const Value& v) const;
  std::string str(const Value& v) const;     // str()
  bool truthy(const Value& v) const;         // bool()
  std::vector<Value> iterate(const Value& v);  // iter(), materialized
  std::int64_t length(const Value& v) const;   // len()
  bool contains(const Value& container, const Value& item) const;  // `in`
  Value getattr(const Value& obj, std::string_view name) const;
  Value getitem(const Value& obj, const Value& key) const;
  Value call(const Value& callee, CallArgs& args);
  Value call_filter(std::string_view name, const Value& value, CallArgs& args);  // map('upper')
  bool call_test(std::string_view name, const Value& value, CallArgs& args);     // select('odd')

  // Entry points for objects (macros, recursive loops).
  Value call_macro(const MacroObject& macro, CallArgs& args);
  Value call_loop(LoopObject& loop, CallArgs& args);

 private:
  enum class Flow { normal, break_, continue_ };

  Flow exec(const Body& body);
  Flow exec(const Stmt& s);
  void exec_for(const ForStmt& node, const Value& iterable, int depth);
  void assign(const Target& target, const Value& value);
  std::string capture(const Body& body, const Scope& scope);
  Value apply_filter_chain(const Expr& filter, std::string body);

  Value eval(const Expr& e);
  Value eval_inner(const Expr& e);
  Value eval_call(const CallExpr& call);
  Value eval_filter(const FilterExpr& f, const Value* body);
  CallArgs eval_args(const Arguments& args);
  Value eval_slice(const Value& obj, const SliceExpr& s);
  Value lookup(std::string_view name) const;
  std::shared_ptr<Frame> new_frame(std::shared_ptr<Frame> parent, const Scope* scope);

  Value undefined_hint(std::string hint) const;
  Value unsafe_undefined(const Value& obj, std::string_view attr) const;

  const TemplateNode& root_;
  const Environment::State& env_;
  Value context_;  // the render context dict
  std::shared_ptr<Frame> frame_;
  std::string* out_ = nullptr;
  int call_depth_ = 0;  // nested macro and recursive-loop calls
  // Every frame made, so the destructor can break the cycles macros form
  // (a frame holds a macro that holds the frame as its closure).
  std::vector<std::weak_ptr<Frame>> frames_;
  std::size_t prune_at_ = 64;

  friend class CallDepth;

  friend class ScopedFrame;
};

}  // namespace llmctl::jinja
