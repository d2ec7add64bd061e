// Public entry point of the Jinja2-compatible template engine.
//
//   jinja::Environment env(jinja::Options::chat());
//   env.set_global("raise_exception", jinja::raise_exception_function());
//   std::string prompt = env.parse(source, "chat_template").render(context_json);
//
// Semantics follow Python jinja2 3.1 (output byte for byte); features the
// engine lacks fail with ErrorKind::unsupported naming the feature.
#pragma once

#include "text/jinja/error.hpp"
#include "text/jinja/value.hpp"
#include "util/output.hpp"

#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace llmctl::jinja {

struct TemplateNode;

enum class TojsonStyle {
  jinja2,        // htmlsafe_json_dumps, sort_keys=True, ASCII only, <>&' escaped
  transformers,  // transformers' override: json.dumps(ensure_ascii=False, sort_keys=False)
};

struct Options {
  bool trim_blocks = false;          // drop the newline after a block tag
  bool lstrip_blocks = false;        // strip whitespace before a block tag on its line
  bool keep_trailing_newline = false;
  bool strict_undefined = false;     // StrictUndefined instead of the lenient Undefined
  bool sandboxed = false;            // ImmutableSandboxedEnvironment
  TojsonStyle tojson = TojsonStyle::jinja2;
  bool loop_controls = false;        // jinja2.ext.loopcontrols ({% break %}, {% continue %})
  bool generation_tag = false;       // transformers' {% generation %} block

  // transformers' chat template environment: ImmutableSandboxedEnvironment
  // (trim_blocks, lstrip_blocks, loopcontrols, generation), its tojson.
  static Options chat();
};

class Template;

class Environment {
 public:
  struct State;

  explicit Environment(Options options = {});
  const Options& options() const;
  // A name every template sees unless the render context has it too.
  void set_global(std::string name, Value value);

  // Throws TemplateError (syntax, assertion, unsupported).
  Template parse(std::string_view source, std::string name = "<template>") const;
  std::string render(std::string_view source, const Json& context, std::string name = "<template>") const;

 private:
  std::shared_ptr<State> state_;
};

class Template {
 public:
  // `context` must be a JSON object; its keys become template variables.
  std::string render(const Json& context) const;
  std::string render(const Value& context) const;  // a dict Value
  const std::string& name() const;

 private:
  friend class Environment;
  Template(std::shared_ptr<const TemplateNode> root, std::shared_ptr<const Environment::State> env);
  std::shared_ptr<const TemplateNode> root_;
  std::shared_ptr<const Environment::State> env_;
};

// raise_exception(message) as transformers defines it: raises
// jinja2.exceptions.TemplateError(message) (ErrorKind::raised).
Value raise_exception_function();
// strftime_now(format) formatting the local time `clock()` returns (now by default).
Value strftime_now_function(std::function<std::time_t()> clock = {});

}  // namespace llmctl::jinja
