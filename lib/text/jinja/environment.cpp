#include "text/jinja/environment.hpp"

#include "text/jinja/objects.hpp"
#include "text/jinja/parser.hpp"
#include "text/jinja/renderer.hpp"

namespace llmctl::jinja {

Options Options::chat() {
  Options o;
  o.trim_blocks = true;
  o.lstrip_blocks = true;
  o.sandboxed = true;
  o.tojson = TojsonStyle::transformers;
  o.loop_controls = true;
  o.generation_tag = true;
  return o;
}

Environment::Environment(Options options) : state_(std::make_shared<State>()) {
  state_->options = options;
  add_builtin_globals(state_->globals, options);
}

const Options& Environment::options() const { return state_->options; }

void Environment::set_global(std::string name, Value value) { state_->globals[std::move(name)] = std::move(value); }

Template Environment::parse(std::string_view source, std::string name) const {
  ParserOptions p;
  p.lexer.trim_blocks = state_->options.trim_blocks;
  p.lexer.lstrip_blocks = state_->options.lstrip_blocks;
  p.lexer.keep_trailing_newline = state_->options.keep_trailing_newline;
  p.loop_controls = state_->options.loop_controls;
  p.generation_tag = state_->options.generation_tag;
  return Template(parse_template(source, std::move(name), p), state_);
}

std::string Environment::render(std::string_view source, const Json& context, std::string name) const {
  return parse(source, std::move(name)).render(context);
}

Template::Template(std::shared_ptr<const TemplateNode> root, std::shared_ptr<const Environment::State> env)
    : root_(std::move(root)), env_(std::move(env)) {}

const std::string& Template::name() const { return root_->name; }

std::string Template::render(const Json& context) const {
  if (!context.is_object() && !context.is_null()) {
    throw TemplateError(ErrorKind::type, "the render context must be a JSON object");
  }
  return render(context.is_null() ? Value::new_dict() : from_json(context));
}

std::string Template::render(const Value& context) const {
  if (!context.is_dict()) throw TemplateError(ErrorKind::type, "the render context must be a dict");
  Renderer renderer(*root_, *env_, context);
  return renderer.render();
}

Value raise_exception_function() {
  return make_function("raise_exception", [](const CallArgs& args) -> Value {
    if (args.positional.size() != 1 || !args.keywords.empty()) type_error("raise_exception() takes one argument");
    raise(ErrorKind::raised, to_str(args.positional[0]));
  });
}

Value strftime_now_function(std::function<std::time_t()> clock) {
  return make_function("strftime_now", [clock](const CallArgs& args) -> Value {
    if (args.positional.size() != 1 || !args.positional[0].is_string()) {
      type_error("strftime_now() takes one format string");
    }
    std::time_t now = clock ? clock() : std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[512];
    std::size_t n = std::strftime(buf, sizeof buf, args.positional[0].str().c_str(), &tm);
    return Value(std::string(buf, n));
  });
}

}  // namespace llmctl::jinja
