// Static analysis after parsing, reproducing what jinja2's compiler decides
// at compile time:
//  * idtracking: a name assigned in a scope is local to the whole scope. When
//    its first mention there is the assignment and no enclosing scope knows
//    the name, reads before the assignment (from nested loops or macros) see
//    it undefined instead of the render context.
//  * which macros take caller/varargs/kwargs (they must be mentioned).
//  * filters and tests resolve to functions; an unknown one is an error at
//    compile time, except inside `if` and inline-if (jinja2 3.0+ "soft"
//    frames) where it fails only when evaluated.
#include "text/jinja/builtins.hpp"
#include "text/jinja/parser.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace llmctl::jinja {

bool Scope::starts_undefined(std::string_view name) const {
  return std::find(undefined_until_set.begin(), undefined_until_set.end(), name) != undefined_until_set.end();
}

namespace {

void for_each_subexpr(Expr& e, const std::function<void(Expr&)>& f) {
  auto args = [&](Arguments& a) {
    for (auto& p : a.positional) f(*p);
    for (auto& [k, v] : a.keywords) f(*v);
    if (a.star) f(*a.star);
    if (a.star_star) f(*a.star_star);
  };
  switch (e.kind) {
    case ExprKind::getattr:
    case ExprKind::nsref: f(*static_cast<GetattrExpr&>(e).object); break;
    case ExprKind::getitem: {
      auto& g = static_cast<GetitemExpr&>(e);
      f(*g.object);
      f(*g.key);
      break;
    }
    case ExprKind::slice: {
      auto& s = static_cast<SliceExpr&>(e);
      for (auto* p : {&s.start, &s.stop, &s.step}) {
        if (*p) f(**p);
      }
      break;
    }
    case ExprKind::list:
    case ExprKind::tuple:
      for (auto& item : static_cast<SeqExpr&>(e).items) f(*item);
      break;
    case ExprKind::dict:
      for (auto& [k, v] : static_cast<DictExpr&>(e).items) {
        f(*k);
        f(*v);
      }
      break;
    case ExprKind::neg:
    case ExprKind::pos:
    case ExprKind::not_: f(*static_cast<UnaryExpr&>(e).operand); break;
    case ExprKind::and_:
    case ExprKind::or_:
    case ExprKind::binary: {
      auto& b = static_cast<BinaryExpr&>(e);
      f(*b.left);
      f(*b.right);
      break;
    }
    case ExprKind::compare: {
      auto& c = static_cast<CompareExpr&>(e);
      f(*c.first);
      for (auto& [op, operand] : c.rest) f(*operand);
      break;
    }
    case ExprKind::concat:
      for (auto& item : static_cast<ConcatExpr&>(e).items) f(*item);
      break;
    case ExprKind::call: {
      auto& c = static_cast<CallExpr&>(e);
      f(*c.callee);
      args(c.args);
      break;
    }
    case ExprKind::filter: {
      auto& fl = static_cast<FilterExpr&>(e);
      if (fl.operand) f(*fl.operand);
      args(fl.args);
      break;
    }
    case ExprKind::test: {
      auto& t = static_cast<TestExpr&>(e);
      f(*t.operand);
      args(t.args);
      break;
    }
    case ExprKind::cond: {
      auto& c = static_cast<CondExpr&>(e);
      f(*c.then);
      f(*c.test);
      if (c.otherwise) f(*c.otherwise);
      break;
    }
    default: break;
  }
}

void target_names(const Target& t, std::vector<std::string>& out) {
  if (t.kind == Target::Kind::name) out.push_back(t.name);
  for (const Target& item : t.items) target_names(item, out);
}

// ---- scopes ------------------------------------------------------------------
class ScopeAnalyzer {
 public:
  void analyze(Body& body, Scope& scope, const std::vector<std::string>& params, std::vector<Expr*> exprs = {}) {
    Level level;
    for (const auto& p : params) level.seen.emplace(p, false);
    for (Expr* e : exprs) load_expr(level, *e);
    std::vector<Child> children;
    visit_body(level, body, children);
    for (const auto& [name, first_is_store] : level.seen) {
      if (first_is_store && level.stores.count(name) && !known_outside(name)) scope.undefined_until_set.push_back(name);
    }
    ancestors_.push_back(&level);
    for (Child& child : children) analyze(*child.body, *child.scope, child.params, child.exprs);
    ancestors_.pop_back();
  }

 private:
  struct Level {
    std::map<std::string, bool> seen;  // first mention at this level was an assignment
    std::set<std::string> stores;
  };
  struct Child {
    Body* body;
    Scope* scope;
    std::vector<std::string> params;
    std::vector<Expr*> exprs;
  };

  bool known_outside(const std::string& name) const {
    return std::any_of(ancestors_.begin(), ancestors_.end(),
                       [&](const Level* l) { return l->seen.count(name) > 0; });
  }

  static void load(Level& level, const std::string& name) { level.seen.emplace(name, false); }
  static void store(Level& level, const std::string& name) {
    level.seen.emplace(name, true);
    level.stores.insert(name);
  }
  static void load_expr(Level& level, Expr& e) {
    if (e.kind == ExprKind::name) load(level, static_cast<NameExpr&>(e).name);
    for_each_subexpr(e, [&](Expr& sub) { load_expr(level, sub); });
  }
  static void store_target(Level& level, const Target& t) {
    if (t.kind == Target::Kind::ns_attr) {
      load(level, t.name);
    } else if (t.kind == Target::Kind::name) {
      store(level, t.name);
    }
    for (const Target& item : t.items) store_target(level, item);
  }

  static void macro_child(MacroDef& def, std::vector<Child>& children) {
    Child child{&def.body, &def.scope, {}, {}};
    for (auto& p : def.params) {
      child.params.push_back(p.name);
      if (p.default_value) child.exprs.push_back(p.default_value.get());
    }
    for (const char* special : {"caller", "varargs", "kwargs"}) child.params.emplace_back(special);
    children.push_back(std::move(child));
  }

  void visit_body(Level& level, Body& body, std::vector<Child>& children) {
    for (auto& stmt : body) visit(level, *stmt, children);
  }

  void visit(Level& level, Stmt& s, std::vector<Child>& children) {
    switch (s.kind) {
      case StmtKind::print: load_expr(level, *static_cast<PrintStmt&>(s).expr); break;
      case StmtKind::if_: visit_if(level, static_cast<IfStmt&>(s), children); break;
      case StmtKind::for_: {
        auto& f = static_cast<ForStmt&>(s);
        load_expr(level, *f.iter);
        Child body{&f.body, &f.body_scope, {"loop"}, {}};
        target_names(f.target, body.params);
        children.push_back(std::move(body));
        children.push_back(Child{&f.else_body, &f.else_scope, {}, {}});
        break;
      }
      case StmtKind::set: {
        auto& set = static_cast<SetStmt&>(s);
        load_expr(level, *set.value);
        store_target(level, set.target);
        break;
      }
      case StmtKind::set_block: {
        auto& set = static_cast<SetBlockStmt&>(s);
        store_target(level, set.target);
        Child child{&set.body, &set.scope, {}, {}};
        if (set.filter) child.exprs.push_back(set.filter.get());
        children.push_back(std::move(child));
        break;
      }
      case StmtKind::macro: {
        auto& m = static_cast<MacroStmt&>(s);
        store(level, m.def.name);
        macro_child(m.def, children);
        break;
      }
      case StmtKind::call_block: {
        auto& c = static_cast<CallBlockStmt&>(s);
        load_expr(level, *c.call);
        macro_child(c.caller, children);
        break;
      }
      case StmtKind::filter_block: {
        auto& f = static_cast<FilterBlockStmt&>(s);
        load_expr(level, *f.filter);
        children.push_back(Child{&f.body, &f.scope, {}, {}});
        break;
      }
      case StmtKind::with: {
        auto& w = static_cast<WithStmt&>(s);
        for (auto& v : w.values) load_expr(level, *v);
        Child child{&w.body, &w.scope, {}, {}};
        for (const Target& t : w.targets) target_names(t, child.params);
        children.push_back(std::move(child));
        break;
      }
      case StmtKind::generation: {
        auto& g = static_cast<BodyStmt&>(s);
        children.push_back(Child{&g.body, &g.scope, {}, {}});
        break;
      }
      default: break;
    }
  }

  // jinja2 analyzes each branch on a copy of the symbols and merges them;
  // a name first assigned inside an `if` then starts as an outside lookup,
  // never undefined (checked against jinja2 for if, if/else, if/elif/else).
  void visit_if(Level& level, IfStmt& node, std::vector<Child>& children) {
    std::set<std::string> before = level.stores;
    for (auto& [test, body] : node.branches) {
      load_expr(level, *test);
      visit_body(level, body, children);
    }
    visit_body(level, node.else_body, children);
    for (const auto& name : level.stores) {
      if (!before.count(name)) level.seen[name] = false;
    }
  }

  std::vector<const Level*> ancestors_;
};

// ---- filters, tests and macro signatures ------------------------------------------
class Resolver {
 public:
  explicit Resolver(const std::string& name) : template_name_(name) {}

  void body(Body& b, bool soft) {
    for (auto& s : b) stmt(*s, soft);
  }

 private:
  void stmt(Stmt& s, bool soft) {
    switch (s.kind) {
      case StmtKind::print: expr(*static_cast<PrintStmt&>(s).expr, soft); break;
      case StmtKind::if_: {
        auto& i = static_cast<IfStmt&>(s);
        for (auto& [test, b] : i.branches) {
          expr(*test, true);
          body(b, true);
        }
        body(i.else_body, true);
        break;
      }
      case StmtKind::for_: {
        auto& f = static_cast<ForStmt&>(s);
        expr(*f.iter, soft);
        if (f.filter) expr(*f.filter, false);
        body(f.body, false);
        body(f.else_body, false);
        break;
      }
      case StmtKind::set: expr(*static_cast<SetStmt&>(s).value, soft); break;
      case StmtKind::set_block: {
        auto& b = static_cast<SetBlockStmt&>(s);
        body(b.body, false);
        if (b.filter) expr(*b.filter, false);
        break;
      }
      case StmtKind::macro: macro(static_cast<MacroStmt&>(s).def); break;
      case StmtKind::call_block: {
        auto& c = static_cast<CallBlockStmt&>(s);
        expr(*c.call, soft);
        macro(c.caller);
        break;
      }
      case StmtKind::filter_block: {
        auto& f = static_cast<FilterBlockStmt&>(s);
        expr(*f.filter, false);
        body(f.body, false);
        break;
      }
      case StmtKind::with: {
        auto& w = static_cast<WithStmt&>(s);
        for (auto& v : w.values) expr(*v, soft);
        body(w.body, false);
        break;
      }
      case StmtKind::generation: body(static_cast<BodyStmt&>(s).body, false); break;
      default: break;
    }
  }

  void macro(MacroDef& def) {
    for (auto& p : def.params) {
      if (p.default_value) expr(*p.default_value, false);
    }
    body(def.body, false);
    std::function<void(Expr&)> mentions = [&](Expr& e) {
      if (e.kind == ExprKind::name) {
        const std::string& n = static_cast<NameExpr&>(e).name;
        def.uses_caller |= n == "caller";
        def.uses_varargs |= n == "varargs";
        def.uses_kwargs |= n == "kwargs";
      }
      for_each_subexpr(e, mentions);
    };
    for_each_expr(def.body, mentions);
  }

  // Every expression of a body, nested statements included.
  static void for_each_expr(Body& b, const std::function<void(Expr&)>& f) {
    for (auto& sp : b) {
      Stmt& s = *sp;
      switch (s.kind) {
        case StmtKind::print: f(*static_cast<PrintStmt&>(s).expr); break;
        case StmtKind::if_: {
          auto& i = static_cast<IfStmt&>(s);
          for (auto& [test, body] : i.branches) {
            f(*test);
            for_each_expr(body, f);
          }
          for_each_expr(i.else_body, f);
          break;
        }
        case StmtKind::for_: {
          auto& fs = static_cast<ForStmt&>(s);
          f(*fs.iter);
          if (fs.filter) f(*fs.filter);
          for_each_expr(fs.body, f);
          for_each_expr(fs.else_body, f);
          break;
        }
        case StmtKind::set: f(*static_cast<SetStmt&>(s).value); break;
        case StmtKind::set_block: {
          auto& sb = static_cast<SetBlockStmt&>(s);
          if (sb.filter) f(*sb.filter);
          for_each_expr(sb.body, f);
          break;
        }
        case StmtKind::macro: {
          auto& m = static_cast<MacroStmt&>(s).def;
          for (auto& p : m.params) {
            if (p.default_value) f(*p.default_value);
          }
          for_each_expr(m.body, f);
          break;
        }
        case StmtKind::call_block: {
          auto& c = static_cast<CallBlockStmt&>(s);
          f(*c.call);
          for_each_expr(c.caller.body, f);
          break;
        }
        case StmtKind::filter_block: {
          auto& fb = static_cast<FilterBlockStmt&>(s);
          f(*fb.filter);
          for_each_expr(fb.body, f);
          break;
        }
        case StmtKind::with: {
          auto& w = static_cast<WithStmt&>(s);
          for (auto& v : w.values) f(*v);
          for_each_expr(w.body, f);
          break;
        }
        case StmtKind::generation: for_each_expr(static_cast<BodyStmt&>(s).body, f); break;
        default: break;
      }
    }
  }

  void expr(Expr& e, bool soft) {
    if (e.kind == ExprKind::cond) soft = true;
    if (e.kind == ExprKind::filter) {
      auto& f = static_cast<FilterExpr&>(e);
      Availability a;
      f.fn = find_filter(f.name, a);
      check(a, "filter", f.name, e.pos, soft);
    } else if (e.kind == ExprKind::test) {
      auto& t = static_cast<TestExpr&>(e);
      Availability a;
      t.fn = find_test(t.name, a);
      check(a, "test", t.name, e.pos, soft);
    }
    for_each_subexpr(e, [&](Expr& sub) { expr(sub, soft); });
  }

  void check(Availability a, const char* what, const std::string& name, Pos pos, bool soft) {
    if (a == Availability::unsupported) {
      throw TemplateError(ErrorKind::unsupported,
                          std::string("the '") + name + "' " + what + " is not supported by llmctl's template engine",
                          template_name_, pos.line, pos.column);
    }
    if (a == Availability::unknown && !soft) {
      throw TemplateError(ErrorKind::assertion, std::string("No ") + what + " named '" + name + "'.", template_name_,
                          pos.line, pos.column);
    }
  }

  const std::string& template_name_;
};

}  // namespace

void analyze_template(TemplateNode& root) {
  Resolver(root.name).body(root.body, false);
  ScopeAnalyzer scopes;
  scopes.analyze(root.body, root.scope, {});
}

}  // namespace llmctl::jinja
