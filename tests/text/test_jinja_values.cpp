// The value model: Python str()/repr(), equality, JSON and Unicode helpers.
#include "text/jinja/unicode.hpp"
#include "text/jinja/value.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

namespace jinja = llmctl::jinja;
using jinja::Value;

TEST_CASE("jinja values: floats print like Python's repr") {
  CHECK(jinja::float_repr(1.0) == "1.0");
  CHECK(jinja::float_repr(0.1) == "0.1");
  CHECK(jinja::float_repr(0.1 + 0.2) == "0.30000000000000004");
  CHECK(jinja::float_repr(1e20) == "1e+20");
  CHECK(jinja::float_repr(1e16) == "1e+16");
  CHECK(jinja::float_repr(1e15) == "1000000000000000.0");
  CHECK(jinja::float_repr(0.0001) == "0.0001");
  CHECK(jinja::float_repr(0.00001) == "1e-05");
  CHECK(jinja::float_repr(-1.5e-7) == "-1.5e-07");
  CHECK(jinja::float_repr(-0.0) == "-0.0");
  CHECK(jinja::float_repr(123456.789) == "123456.789");
  CHECK(jinja::float_repr(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(jinja::float_repr(std::nan("")) == "nan");
}

TEST_CASE("jinja values: str and repr of containers") {
  Value list = Value::new_list({Value(1), Value("it's"), Value::none(), Value(true), Value(2.5),
                                Value::tuple({Value("a")})});
  CHECK(jinja::to_str(list) == "[1, \"it's\", None, True, 2.5, ('a',)]");
  Value d = Value::new_dict();
  d.dict().set(Value("b"), Value("x\ny"));
  d.dict().set(Value("a"), Value::new_list());
  CHECK(jinja::to_str(d) == "{'b': 'x\\ny', 'a': []}");
  CHECK(jinja::string_repr("tab\t\x01\xC3\xA9") == "'tab\\t\\x01\xC3\xA9'");
  CHECK(jinja::string_repr("both'\"") == "'both\\'\"'");
  CHECK(jinja::to_str(Value()) == "");
  CHECK(jinja::repr(Value::markup("<b>")) == "Markup('<b>')");
}

TEST_CASE("jinja values: Python equality and truthiness") {
  CHECK(jinja::equals(Value(1), Value(1.0)));
  CHECK(jinja::equals(Value(true), Value(1)));
  CHECK_FALSE(jinja::equals(Value(1), Value("1")));
  CHECK_FALSE(jinja::equals(Value::new_list({Value(1)}), Value::tuple({Value(1)})));
  CHECK(jinja::equals(Value(), Value()));  // Undefined == Undefined
  CHECK_FALSE(jinja::truthy(Value::new_list()));
  CHECK(jinja::truthy(Value::iterator({})));  // a generator is always true
  CHECK_FALSE(jinja::truthy(Value(0.0)));
  CHECK_THROWS_AS(jinja::require_hashable(Value::new_list()), jinja::TemplateError);
}

TEST_CASE("jinja values: JSON round trip keeps key order and types") {
  auto json = llmctl::Json::parse(R"({"z": 1, "a": [true, null, 1.5, "s"], "m": {"y": {}, "b": []}})");
  Value v = jinja::from_json(json);
  CHECK(v.dict().entries.front().first.str() == "z");
  CHECK(v.dict().find("a")->list().items[2].is_float());
  CHECK(jinja::to_json(v) == json);
  CHECK(jinja::to_json(v).dump() == json.dump());
  CHECK_THROWS_AS(jinja::to_json(Value()), jinja::TemplateError);
}

TEST_CASE("jinja unicode: Python str semantics on UTF-8") {
  namespace u = jinja::unicode;
  CHECK(u::length("h\xC3\xA9llo\xF0\x9F\x98\x80") == 6);
  CHECK(u::upper("stra\xC3\x9F" "e") == "STRASSE");
  CHECK(u::lower("\xC3\x89" "COLE") == "\xC3\xA9" "cole");
  CHECK(u::title("hello wORLD") == "Hello World");
  CHECK(u::strip("\xE3\x80\x80 x \xC2\xA0", true, true) == "x");
  CHECK(u::strip_chars("xxhixx", "x", true, false) == "hixx");
  CHECK(u::split_whitespace("  a  b  ", 1, false) == std::vector<std::string>{"a", "b  "});
  CHECK(u::split_whitespace("  a  b  ", 1, true) == std::vector<std::string>{"  a", "b"});
  CHECK(u::split("a,b,c", ",", 1, true) == std::vector<std::string>{"a,b", "c"});
  CHECK(u::splitlines("a\nb\r\nc\rd", false) == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(u::splitlines("a\n", true) == std::vector<std::string>{"a\n"});
}
