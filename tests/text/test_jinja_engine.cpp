// The Environment API, hooks, modes, and the features the engine refuses
// (they must fail naming the feature, never render something different).
#include "test_paths.hpp"
#include "text/jinja/environment.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace jinja = llmctl::jinja;
using llmctl::Json;

namespace {

std::string render(std::string_view source, const Json& context = Json::object(), jinja::Options options = {}) {
  jinja::Environment env(options);
  env.set_global("raise_exception", jinja::raise_exception_function());
  return env.parse(source, "t").render(context);
}

jinja::TemplateError failure(std::string_view source, const Json& context = Json::object(),
                             jinja::Options options = {}) {
  try {
    render(source, context, options);
  } catch (const jinja::TemplateError& e) {
    return e;
  }
  FAIL("no error for: " << source);
  return jinja::TemplateError(jinja::ErrorKind::syntax, "");
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

TEST_CASE("jinja engine: unsupported features fail naming the feature") {
  struct Case {
    const char* source;
    const char* mentions;
  };
  const Case cases[] = {
      {"{% extends 'base.html' %}", "'extends' tag"},
      {"{% include 'x' %}", "'include' tag"},
      {"{% import 'x' as y %}", "'import' tag"},
      {"{% from 'x' import y %}", "'from' tag"},
      {"{% block body %}{% endblock %}", "'block' tag"},
      {"{% autoescape true %}{% endautoescape %}", "'autoescape' tag"},
      {"{{ x|pprint }}", "'pprint' filter"},
      {"{{ x|wordwrap(10) }}", "'wordwrap' filter"},
      {"{{ x|urlize }}", "'urlize' filter"},
      {"{{ [1]|random }}", "'random' filter"},
      {"{{ lipsum() }}", "lipsum"},
      {"{{ range }}", "function object"},
      {"{{ 'x'.upper }}", "builtin_function_or_method"},
      {"{{ [1]|map('string') }}", "generator"},
      {"{{ 'x'.encode() }}", "method 'encode'"},
      {"{{ (5).bit_length() }}", "method 'bit_length'"},
      {"{{ 9223372036854775807 + 1 }}", "64 bits"},
      {"{{ 2 ** 64 }}", "64 bits"},
      {"{{ 99999999999999999999 }}", "64 bits"},
      {"{{ x.__class__ }}", "Python internals"},
      {"{{ (-8) ** 0.5 }}", "complex"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.source);
    jinja::TemplateError e = failure(c.source, {{"x", "text"}});
    bool overflow_literal = std::string_view(c.source).find("9999") != std::string_view::npos;
    CHECK(e.kind() == (overflow_literal ? jinja::ErrorKind::syntax : jinja::ErrorKind::unsupported));
    CHECK_MESSAGE(e.message().find(c.mentions) != std::string::npos, e.message());
  }
}

TEST_CASE("jinja engine: hooks and globals") {
  jinja::Environment env;
  env.set_global("greet", jinja::make_function("greet", [](const jinja::CallArgs& args) {
                   return jinja::Value("hi " + jinja::to_str(args.positional.at(0)));
                 }));
  env.set_global("raise_exception", jinja::raise_exception_function());
  env.set_global("strftime_now", jinja::strftime_now_function([] { return std::time_t{0}; }));
  CHECK(env.render("{{ greet('ada') }}", Json::object()) == "hi ada");
  CHECK(env.render("{{ greet }}", {{"greet", "context wins"}}) == "context wins");
  CHECK(env.render("{{ strftime_now('%Y') }}", Json::object()).size() == 4);
  try {
    env.render("{% if x %}{{ raise_exception('bad input: ' ~ x) }}{% endif %}", {{"x", 3}});
    FAIL("no error");
  } catch (const jinja::TemplateError& e) {
    CHECK(e.kind() == jinja::ErrorKind::raised);
    CHECK(e.message() == "bad input: 3");
    CHECK(jinja::python_exception_name(e.kind()) == "TemplateError");
  }
  // Without the hook, calling it is an undefined error, as in jinja2.
  CHECK(failure("{{ raise_exception2('x') }}").kind() == jinja::ErrorKind::undefined);
}

TEST_CASE("jinja engine: strict undefined and the chat environment") {
  jinja::Options strict;
  strict.strict_undefined = true;
  CHECK(render("[{{ x }}]") == "[]");
  CHECK(failure("[{{ x }}]", Json::object(), strict).kind() == jinja::ErrorKind::undefined);
  CHECK(render("{{ x is defined }}{{ x|default('d') }}", Json::object(), strict) == "Falsed");

  jinja::Options chat = jinja::Options::chat();
  CHECK(chat.trim_blocks);
  CHECK(chat.lstrip_blocks);
  CHECK(chat.sandboxed);
  CHECK(chat.loop_controls);
  CHECK(render("{{ {'b': 'é', 'a': 1}|tojson }}", Json::object(), chat) == "{\"b\": \"é\", \"a\": 1}");
  CHECK(render("{{ {'b': 'é', 'a': 1}|tojson }}") == "{\"a\": 1, \"b\": \"\\u00e9\"}");
  CHECK(failure("{% set l = [] %}{{ l.append(1) }}", Json::object(), chat).kind() == jinja::ErrorKind::security);
  CHECK(render("{% set l = [] %}{{ l.append(1) }}{{ l }}") == "None[1]");
}

TEST_CASE("jinja engine: templates are reusable and take Value contexts") {
  jinja::Environment env;
  jinja::Template t = env.parse("{% for m in messages %}{{ m.role }}:{{ m.content }};{% endfor %}", "chat");
  CHECK(t.name() == "chat");
  CHECK(t.render(Json{{"messages", {{{"role", "user"}, {"content", "a"}}}}}) == "user:a;");
  CHECK(t.render(Json{{"messages", Json::array()}}) == "");
  jinja::Value ctx = jinja::Value::new_dict();
  ctx.dict().set(jinja::Value("messages"), jinja::Value::new_list());
  CHECK(t.render(ctx) == "");
  CHECK_THROWS_AS(t.render(Json::array()), jinja::TemplateError);
}

TEST_CASE("jinja engine: Qwen3 chat template render speed (informative)") {
  std::filesystem::path data = llmctl::test::test_data() / "jinja";
  std::string source = read_file(data / "chat_templates" / "qwen3-tokenizer.jinja");
  Json context = Json::parse(read_file(data / "cases" / "hf_qwen3_tokenizer_tools.json"));
  std::string want = read_file(data / "cases" / "hf_qwen3_tokenizer_tools.out");
  jinja::Environment env(jinja::Options::chat());
  jinja::Template t = env.parse(source, "qwen3");
  jinja::Value value_context = jinja::from_json(context);
  REQUIRE(t.render(value_context) == want);
  constexpr int kRenders = 300;
  auto start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  for (int i = 0; i < kRenders; ++i) bytes += t.render(value_context).size();
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / kRenders;
  auto parse_start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) env.parse(source, "qwen3");
  double parse_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - parse_start).count() / 50;
  MESSAGE("Qwen3 chat template (tools, 7 messages): " << us << " us per render, " << parse_us << " us per parse, "
                                                      << bytes / kRenders << " bytes");
  CHECK(us < 100000);  // generous: CI machines are shared
}

TEST_CASE("jinja engine: runaway recursion fails cleanly") {
  CHECK(failure("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}").kind() == jinja::ErrorKind::recursion);
  std::string deep = std::string(1000, '(') + "1" + std::string(1000, ')');
  CHECK(failure("{{ " + deep + " }}").kind() == jinja::ErrorKind::recursion);
  std::string ifs;
  for (int i = 0; i < 300; ++i) ifs += "{% if true %}";
  CHECK(failure(ifs).kind() == jinja::ErrorKind::recursion);
  // Legitimate depth still works.
  CHECK(render("{% macro m(n) %}{% if n %}{{ m(n - 1) }}{% else %}done{% endif %}{% endmacro %}{{ m(50) }}") == "done");
}
