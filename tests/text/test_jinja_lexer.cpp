// Lexer and parser: tokens, whitespace markers, and positions in errors.
#include "text/jinja/environment.hpp"
#include "text/jinja/lexer.hpp"

#include <doctest/doctest.h>

namespace jinja = llmctl::jinja;
using jinja::Tok;

namespace {

std::vector<jinja::Token> tokens(std::string_view source, jinja::LexerOptions options = {}) {
  jinja::Lexer lexer(source, "t", options);
  std::vector<jinja::Token> out;
  for (jinja::Token t = lexer.next(); t.type != Tok::eof; t = lexer.next()) out.push_back(t);
  return out;
}

jinja::TemplateError parse_error(std::string_view source, jinja::Options options = {}) {
  try {
    jinja::Environment(options).parse(source, "page.j2");
  } catch (const jinja::TemplateError& e) {
    return e;
  }
  FAIL("parsing succeeded: " << source);
  return jinja::TemplateError(jinja::ErrorKind::syntax, "");
}

jinja::TemplateError render_error(std::string_view source, const llmctl::Json& context = llmctl::Json::object()) {
  try {
    jinja::Environment().parse(source, "page.j2").render(context);
  } catch (const jinja::TemplateError& e) {
    return e;
  }
  FAIL("rendering succeeded: " << source);
  return jinja::TemplateError(jinja::ErrorKind::syntax, "");
}

}  // namespace

TEST_CASE("jinja lexer: token kinds, values and positions") {
  auto t = tokens("hi {{ a.b|f(1, 'x\\n', 2.5) }}\n{% if x %}");
  std::vector<Tok> kinds;
  for (const auto& tok : t) kinds.push_back(tok.type);
  std::vector<Tok> want = {Tok::data, Tok::variable_begin, Tok::name, Tok::dot, Tok::name, Tok::pipe,
                           Tok::name, Tok::lparen, Tok::integer, Tok::comma, Tok::string, Tok::comma,
                           Tok::floating, Tok::rparen, Tok::variable_end, Tok::data, Tok::block_begin,
                           Tok::name, Tok::name, Tok::block_end};
  CHECK(kinds == want);
  CHECK(t[0].text == "hi ");
  CHECK(t[10].text == "x\n");
  CHECK(t[8].integer == 1);
  CHECK(t[12].floating == 2.5);
  CHECK(t[2].line == 1);
  CHECK(t[2].column == 7);
  CHECK(t[16].line == 2);
  CHECK(t[17].column == 4);
}

TEST_CASE("jinja lexer: whitespace markers and trim/lstrip options") {
  auto data = [](std::string_view source, jinja::LexerOptions o = {}) {
    std::string out;
    for (const auto& t : tokens(source, o)) {
      if (t.type == Tok::data) out += "[" + t.text + "]";
    }
    return out;
  };
  CHECK(data("a  {{- x -}}  b") == "[a][b]");
  CHECK(data("a\n  {% if %}\nb") == "[a\n  ][\nb]");
  CHECK(data("a\n  {% if %}\nb", {.trim_blocks = true, .lstrip_blocks = true}) == "[a\n][b]");
  CHECK(data("a\n  {%+ if %}\nb", {.trim_blocks = true, .lstrip_blocks = true}) == "[a\n  ][b]");
  CHECK(data("a\n  {{ x }}\nb", {.trim_blocks = true, .lstrip_blocks = true}) == "[a\n  ][\nb]");
  CHECK(data("x {# c #} y") == "[x ][ y]");
  CHECK(data("{% raw %}{{ a }}{% endraw %}") == "[{{ a }}]");
  CHECK(data("a\r\nb\r\n") == "[a\nb]");
  CHECK(data("a\n", {.keep_trailing_newline = true}) == "[a\n]");
}

TEST_CASE("jinja errors: syntax errors carry template name, line and column") {
  auto e = parse_error("line one\nline two\n  {{ 1 + }}");
  CHECK(e.kind() == jinja::ErrorKind::syntax);
  CHECK(e.template_name() == "page.j2");
  CHECK(e.line() == 3);
  CHECK(e.column() == 10);
  CHECK(e.message() == "unexpected 'end of print statement'");
  CHECK(std::string(e.what()) == "page.j2:3:10: unexpected 'end of print statement'");

  e = parse_error("ok\n{{ a ! b }}");
  CHECK(e.line() == 2);
  CHECK(e.column() == 6);
  CHECK(e.message() == "unexpected char '!' at 8");

  e = parse_error("{% for x in y %}\n{% endif %}");
  CHECK(e.line() == 2);
  CHECK(e.message().starts_with("Encountered unknown tag 'endif'."));

  e = parse_error("{% if x %}\nopen");
  CHECK(e.message() ==
        "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. "
        "The innermost block that needs to be closed is 'if'.");
  e = parse_error("{{ x|nosuch }}");
  CHECK(e.kind() == jinja::ErrorKind::assertion);
  CHECK(e.column() == 6);
}

TEST_CASE("jinja errors: runtime errors point at the failing expression") {
  auto e = render_error("first\n  {{ x.y.z }}", {{"x", llmctl::Json::object()}});
  CHECK(e.kind() == jinja::ErrorKind::undefined);
  CHECK(e.message() == "'dict object' has no attribute 'y'");
  CHECK(e.line() == 2);
  CHECK(e.column() == 9);  // the second dot
  e = render_error("{% for i in [1, 0] %}\n{{ 1 // i }}{% endfor %}");
  CHECK(e.kind() == jinja::ErrorKind::zero_division);
  CHECK(e.line() == 2);
  CHECK(e.column() == 6);
}

TEST_CASE("jinja errors: string literal escapes") {
  CHECK(jinja::decode_string_literal(R"(a\tb\x41\u00e9\U0001F600\101\q)") == "a\tbA\xC3\xA9\xF0\x9F\x98\x80" "A\\q");
  CHECK_THROWS_AS(jinja::decode_string_literal(R"(\x4)"), jinja::TemplateError);
  CHECK(parse_error(R"({{ '\x4' }})").message() == "truncated \\xXX escape");
}
