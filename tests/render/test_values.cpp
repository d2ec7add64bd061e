// Values: YAML scalars typed as Kubernetes reads them, Helm's --set syntax,
// the merge order, unknown keys, typed readers.
#include "render/values.hpp"
#include "render/yaml_json.hpp"
#include "render_fixtures.hpp"

using namespace llmctl;
using namespace llmctl::render;
using namespace llmctl::test;

TEST_CASE("yaml: plain scalars follow the YAML 1.2 core schema, quoted ones are strings") {
  CHECK(resolve_plain_scalar("8192") == Json(8192));
  CHECK(resolve_plain_scalar("-3") == Json(-3));
  CHECK(resolve_plain_scalar("0x1F") == Json(31));
  CHECK(resolve_plain_scalar("0.90") == Json(0.9));
  CHECK(resolve_plain_scalar("1e3") == Json(1000.0));
  CHECK(resolve_plain_scalar("true") == Json(true));
  CHECK(resolve_plain_scalar("False") == Json(false));
  CHECK(resolve_plain_scalar("~").is_null());
  CHECK(resolve_plain_scalar("").is_null());
  CHECK(resolve_plain_scalar("yes") == Json("yes"));  // YAML 1.1's boolean is a string in 1.2
  CHECK(resolve_plain_scalar("v0.11.0") == Json("v0.11.0"));
  CHECK(resolve_plain_scalar("27Gi") == Json("27Gi"));
  CHECK(resolve_plain_scalar("1.2.3") == Json("1.2.3"));
  const Json v = parse_yaml_values("a: '8192'\nb: \"true\"\nc: 8192\nd: [1, x]\n", "t");
  CHECK(v["a"] == Json("8192"));
  CHECK(v["b"] == Json("true"));
  CHECK(v["c"] == Json(8192));
  CHECK(v["d"] == Json::array({1, "x"}));
  CHECK(parse_yaml_values("", "empty.yaml") == Json::object());
}

TEST_CASE("yaml: a syntax error names the source, line and column and quotes the line") {
  const auto e = catch_error([] { parse_yaml_documents("a: 1\nb: [1, 2\nc: 3\n", "values.yaml"); });
  CHECK(e.code == ExitCode::runtime);
  CHECK(e.message.starts_with("values.yaml: invalid YAML at line "));
  CHECK(e.message.find(" | ") != std::string::npos);
  const auto list = catch_error([] { parse_yaml_values("- a\n- b\n", "list.yaml"); });
  CHECK(list.code == ExitCode::usage);
  CHECK(list.message == "list.yaml: a values file must be a mapping (key: value), not a array");
}

TEST_CASE("--set: Helm's path syntax, typed values, lists") {
  Json v = Json::object();
  apply_set(v, "inference.modelServer.deployment.replicas=3");
  apply_set(v, "service.type=LoadBalancer");
  apply_set(v, "modelParameters.gpuMemoryUtilization=0.85");
  apply_set(v, "modelParameters.enablePrefixCaching=true");
  apply_set(v, "inference.modelServer.deployment.resources.gpu.limits.nvidia\\.com/gpu=2");
  apply_set(v, "ingress.hosts[0].host=llm.example.com");
  apply_set(v, "ingress.tls[0].hosts={a.example.com,b.example.com}");
  apply_set(v, "model=");
  CHECK(v["inference"]["modelServer"]["deployment"]["replicas"] == Json(3));
  CHECK(v["service"]["type"] == Json("LoadBalancer"));
  CHECK(v["modelParameters"]["gpuMemoryUtilization"] == Json(0.85));
  CHECK(v["modelParameters"]["enablePrefixCaching"] == Json(true));
  CHECK(v["inference"]["modelServer"]["deployment"]["resources"]["gpu"]["limits"]["nvidia.com/gpu"] == Json(2));
  CHECK(v["ingress"]["hosts"][0]["host"] == Json("llm.example.com"));
  CHECK(v["ingress"]["tls"][0]["hosts"] == Json::array({"a.example.com", "b.example.com"}));
  CHECK(v["model"].is_null());
  CHECK(format_value_path(parse_value_path("a.b\\.c[2].d")) == "a.b\\.c[2].d");
  CHECK(parse_value_path("a.b\\.c[2].d") == ValuePath{"a", "b.c", "[2]", "d"});
  CHECK(catch_error([&] { apply_set(v, "no-equals"); }).code == ExitCode::usage);
  CHECK(catch_error([&] { apply_set(v, "a..b=1"); }).message == "--set: empty key in 'a..b'");
  CHECK(catch_error([&] { apply_set(v, "a[x]=1"); }).code == ExitCode::usage);
  CHECK(catch_error([&] { apply_set(v, "=1"); }).code == ExitCode::usage);
}

TEST_CASE("merge: mappings merge key by key, anything else replaces") {
  Json base = Json::parse(R"({"a": {"b": 1, "c": [1, 2]}, "d": "x"})");
  merge_values(base, Json::parse(R"({"a": {"c": [3], "e": null}, "d": {"f": 1}})"));
  CHECK(base == Json::parse(R"({"a": {"b": 1, "c": [3], "e": null}, "d": {"f": 1}})"));
}

TEST_CASE("unknown keys: compared with the defaults; free-form sections take anything") {
  const Json schema = Json::parse(R"({"model": null, "modelParameters": {}, "inference": {"serviceName": null,
      "modelServer": {"env": {}, "image": {"tag": null}}}})");
  const Json values = Json::parse(R"({"model": "m", "modelParameters": {"anyFlag": true}, "fluentbit": {"x": 1},
      "inference": {"serviceName": "s", "rayOptions": {}, "modelServer": {"env": {"A": "1"}, "image": {"tag": "t", "digest": "d"}}}})");
  CHECK(unknown_keys(schema, values) ==
        std::vector<std::string>{"fluentbit", "inference.rayOptions", "inference.modelServer.image.digest"});
}

TEST_CASE("typed readers: absent, null, wrong type") {
  const Json v = Json::parse(R"({"a": {"n": 8192, "s": "8192", "f": 0.9, "b": "true", "t": "x", "z": null}})");
  CHECK(int_at(v, "a.n") == 8192);
  CHECK(int_at(v, "a.s") == 8192);
  CHECK(!int_at(v, "a.z"));
  CHECK(!int_at(v, "a.missing.deeper"));
  CHECK(number_at(v, "a.f") == 0.9);
  CHECK(bool_at(v, "a.b", false));
  CHECK(string_at(v, "a.n") == "8192");
  const auto e = catch_error([&] { int_at(v, "a.t"); });
  CHECK(e.code == ExitCode::usage);
  CHECK(e.message == "values: a.t must be an integer, got \"x\"");
}

TEST_CASE("values files: a missing file is a usage error") {
  const auto e = catch_error([] { load_values_file("/nonexistent/values.yaml"); });
  CHECK(e.code == ExitCode::usage);
  CHECK(e.message == "cannot read values file '/nonexistent/values.yaml'");
}
