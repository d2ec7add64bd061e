#include "util/error.hpp"
#include "util/output.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

using namespace llmctl;

TEST_CASE("parse_output_format accepts table, json and yaml only") {
  CHECK(parse_output_format("table") == OutputFormat::table);
  CHECK(parse_output_format("json") == OutputFormat::json);
  CHECK(parse_output_format("yaml") == OutputFormat::yaml);
  try {
    parse_output_format("xml");
    FAIL("expected a usage error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()).find("xml") != std::string::npos);
  }
}

TEST_CASE("to_yaml round-trips through a YAML parser with types intact") {
  const Json data = {{"name", "qwen3-1.7b"},
                     {"params", 1720574976},
                     {"ratio", 0.9},
                     {"tied", true},
                     {"nothing", nullptr},
                     {"looks_like_bool", "true"},
                     {"looks_like_number", "1e6"},
                     {"empty", ""},
                     {"list", {1, 2, 3}},
                     {"nested", {{"a", "b: c"}, {"k", Json::array()}}}};
  const YAML::Node node = YAML::Load(to_yaml(data));
  CHECK(node["name"].as<std::string>() == "qwen3-1.7b");
  CHECK(node["params"].as<std::uint64_t>() == 1720574976ULL);
  CHECK(node["ratio"].as<double>() == doctest::Approx(0.9));
  CHECK(node["tied"].as<bool>());
  CHECK(node["nothing"].IsNull());
  CHECK(node["looks_like_bool"].Tag() == "!");  // quoted: stays a string
  CHECK(node["looks_like_bool"].as<std::string>() == "true");
  CHECK(node["looks_like_number"].as<std::string>() == "1e6");
  CHECK(node["looks_like_number"].Tag() == "!");
  CHECK(node["empty"].as<std::string>() == "");
  CHECK(node["list"].size() == 3);
  CHECK(node["nested"]["a"].as<std::string>() == "b: c");
  CHECK(node["nested"]["k"].IsSequence());
}

TEST_CASE("to_yaml quotes strings that YAML 1.1 readers would retype") {
  for (const char* text : {"2025-06-01", "2025-06-01T10:00:00Z", "1:30", "0777", "0x1F", "Y", "off", "=", "<<",
                           ".5", "1_000"}) {
    const YAML::Node node = YAML::Load(to_yaml(Json{{"v", text}}));
    CHECK_MESSAGE(node["v"].Tag() == "!", text);
    CHECK(node["v"].as<std::string>() == text);
  }
  CHECK(to_yaml(Json{{"v", "qwen3-1.7b"}}) == "v: qwen3-1.7b\n");  // ordinary text stays plain
  CHECK(to_yaml(Json{{"v", "g6.2xlarge"}}) == "v: g6.2xlarge\n");
}

TEST_CASE("to_yaml keeps key order") {
  const Json data = {{"zeta", 1}, {"alpha", 2}};
  const std::string text = to_yaml(data);
  CHECK(text.find("zeta") < text.find("alpha"));
}

TEST_CASE("Table aligns columns by display width and trims trailing blanks") {
  Table table{{"NAME", "SIZE"}, {Align::left, Align::right}, {{"a", "1"}, {"模型", "100"}}};
  const std::string text = table.render(false);
  CHECK(text == "NAME  SIZE\n"
                "a        1\n"
                "模型   100\n");
}

TEST_CASE("Table header is bold only with colour") {
  Table table{{"A"}, {}, {{"x"}}};
  CHECK(table.render(true).find("\033[1m") != std::string::npos);
  CHECK(table.render(false).find('\033') == std::string::npos);
}

TEST_CASE("emit writes JSON, YAML or the table") {
  const Json data = {{"k", "v"}};
  std::ostringstream json, yaml, table;
  emit(json, OutputFormat::json, data, [] { return std::string("T\n"); });
  emit(yaml, OutputFormat::yaml, data, [] { return std::string("T\n"); });
  emit(table, OutputFormat::table, data, [] { return std::string("T\n"); });
  CHECK(Json::parse(json.str()) == data);
  CHECK(yaml.str() == "k: v\n");
  CHECK(table.str() == "T\n");
}
