// The global functions jinja2 gives every template: range, dict,
// namespace, cycler, joiner (lipsum is refused: it is random text).
#include "text/jinja/args.hpp"
#include "text/jinja/objects.hpp"

namespace llmctl::jinja {

namespace {

// jinja2.sandbox.MAX_RANGE; outside the sandbox Python's range is lazy, so a
// larger bound only guards memory.
constexpr std::int64_t kSandboxMaxRange = 100000;
constexpr std::int64_t kMaxRange = 10000000;

Value make_range(const CallArgs& args, bool sandboxed) {
  if (!args.keywords.empty()) type_error("range() takes no keyword arguments");
  const auto& p = args.positional;
  if (p.empty()) type_error("range expected at least 1 argument, got 0");
  if (p.size() > 3) type_error("range expected at most 3 arguments, got " + std::to_string(p.size()));
  std::int64_t start = 0, stop, step = 1;
  if (p.size() == 1) {
    stop = as_index(p[0]);
  } else {
    start = as_index(p[0]);
    stop = as_index(p[1]);
    if (p.size() == 3) step = as_index(p[2]);
  }
  if (step == 0) raise(ErrorKind::value, "range() arg 3 must not be zero");
  std::int64_t count = 0;
  if (step > 0 && start < stop) count = (stop - start + step - 1) / step;
  if (step < 0 && start > stop) count = (start - stop - step - 1) / -step;
  if (sandboxed && count > kSandboxMaxRange) {
    raise(ErrorKind::overflow, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  }
  if (count > kMaxRange) unsupported("range() of more than 10 million items");
  std::vector<Value> items;
  items.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) items.emplace_back(start + i * step);
  Value v = Value::sequence(SeqKind::range, std::move(items));
  v.list().range_start = start;
  v.list().range_stop = stop;
  v.list().range_step = step;
  return v;
}

// dict(mapping_or_pairs, **kwargs), also the attributes of namespace().
std::shared_ptr<Dict> make_dict(const CallArgs& args, const char* name) {
  auto d = std::make_shared<Dict>();
  if (args.positional.size() > 1) {
    type_error(std::string(name) + " expected at most 1 argument, got " + std::to_string(args.positional.size()));
  }
  if (!args.positional.empty()) {
    const Value& src = args.positional[0];
    if (src.is_dict()) {
      *d = src.dict();
    } else if (src.is_list()) {
      for (const Value& pair : src.list().items) {
        if (!pair.is_list() || pair.list().items.size() != 2) {
          raise(ErrorKind::value, "dictionary update sequence element has wrong length; 2 is required");
        }
        require_hashable(pair.list().items[0]);
        d->set(pair.list().items[0], pair.list().items[1]);
      }
    } else {
      type_error("'" + type_name(src) + "' object is not iterable");
    }
  }
  for (const auto& [k, v] : args.keywords) d->set(k, v);
  return d;
}

class CyclerObject : public Object, public std::enable_shared_from_this<CyclerObject> {
 public:
  explicit CyclerObject(std::vector<Value> items) : items_(std::move(items)) {}
  std::string class_path() const override { return "jinja2.utils.Cycler"; }
  std::optional<Value> attribute(std::string_view name) const override {
    auto self = std::const_pointer_cast<CyclerObject>(shared_from_this());
    if (name == "current") return items_[pos_];
    if (name == "next") {
      return make_function("next", [self](const CallArgs& args) -> Value {
        Signature("next", args, {});
        Value v = self->items_[self->pos_];
        self->pos_ = (self->pos_ + 1) % self->items_.size();
        return v;
      });
    }
    if (name == "reset") {
      return make_function("reset", [self](const CallArgs& args) -> Value {
        Signature("reset", args, {});
        self->pos_ = 0;
        return Value::none();
      });
    }
    return std::nullopt;
  }

 private:
  std::vector<Value> items_;
  std::size_t pos_ = 0;
};

class JoinerObject : public Object {
 public:
  explicit JoinerObject(std::string sep) : sep_(std::move(sep)) {}
  std::string class_path() const override { return "jinja2.utils.Joiner"; }
  bool callable() const override { return true; }
  Value call(Renderer&, CallArgs& args) override {
    Signature("joiner", args, {});
    if (!used_) {
      used_ = true;
      return Value("");
    }
    return Value(sep_);
  }

 private:
  std::string sep_;
  bool used_ = false;
};

}  // namespace

void add_builtin_globals(std::unordered_map<std::string, Value>& globals, const Options& options) {
  bool sandboxed = options.sandboxed;
  globals["range"] = make_function("range", [sandboxed](const CallArgs& args) { return make_range(args, sandboxed); });
  globals["dict"] = make_function("dict", [](const CallArgs& args) { return Value(make_dict(args, "dict")); });
  globals["namespace"] = make_function("namespace", [](const CallArgs& args) {
    auto ns = std::make_shared<NamespaceObject>();
    ns->attrs = *make_dict(args, "namespace");
    return Value(std::shared_ptr<Object>(ns));
  });
  globals["cycler"] = make_function("cycler", [](const CallArgs& args) {
    if (args.positional.empty()) type_error("at least one item has to be provided");
    return Value(std::shared_ptr<Object>(std::make_shared<CyclerObject>(args.positional)));
  });
  globals["joiner"] = make_function("joiner", [](const CallArgs& args) {
    Signature sig("joiner", args, {"sep"});
    return Value(std::shared_ptr<Object>(std::make_shared<JoinerObject>(sig.str_or(0, ", "))));
  });
  globals["lipsum"] = make_function("lipsum", [](const CallArgs&) -> Value {
    unsupported("lipsum() is not supported (it generates random text)");
  });
}

}  // namespace llmctl::jinja
