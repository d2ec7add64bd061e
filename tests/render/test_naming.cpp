// Names as the AI-on-EKS chart's values files name them, labels, validation.
#include "render/engine.hpp"
#include "render/naming.hpp"
#include "render_fixtures.hpp"

using namespace llmctl;
using namespace llmctl::render;
using namespace llmctl::test;

TEST_CASE("naming: the chart's serviceName convention") {
  CHECK(default_service_name("Qwen/Qwen3-1.7B", "vllm") == "qwen3-1-7b-vllm");
  CHECK(default_service_name("openai/gpt-oss-20b", "vllm") == "gpt-oss-20b-vllm");
  CHECK(default_service_name("meta-llama/Llama-3.1-70B-Instruct", "sglang") == "llama-3-1-70b-instruct-sglang");
  CHECK(default_service_name("org/3B__model..x", "llmctl") == "m-3b-model-x-llmctl");
  const std::string long_name = default_service_name("org/" + std::string(80, 'a'), "vllm");
  CHECK(long_name.size() == 63);
  CHECK(long_name.ends_with("-vllm"));
}

TEST_CASE("naming: names must be RFC 1035 labels") {
  check_dns_label("qwen3-1-7b-vllm", "--name");
  CHECK(dns_label("Bad_Name", 63) == "bad-name");
  CHECK(catch_error([] { check_dns_label("Bad_Name", "--name"); }).hint ==
        "use at most 63 lowercase letters, digits and '-', starting with a letter, e.g. 'bad-name'");
  for (const char* bad : {"", "Qwen", "1abc", "a_b", "abc-", "a.b"}) {
    CAPTURE(bad);
    CHECK(catch_error([&] { check_dns_label(bad, "--name"); }).code == ExitCode::usage);
  }
  CHECK(catch_error([] { check_dns_label(std::string(64, 'a'), "--name"); }).code == ExitCode::usage);
}

TEST_CASE("labels: standard app.kubernetes.io labels, the chart's component label, extraLabels") {
  const Json labels = standard_labels({"qwen3-1-7b-vllm", "vllm", "v0.11.0", Json{{"team", "ml"}}});
  CHECK(labels.dump() ==
        R"({"app.kubernetes.io/name":"vllm","app.kubernetes.io/instance":"qwen3-1-7b-vllm",)"
        R"("app.kubernetes.io/component":"qwen3-1-7b-vllm","app.kubernetes.io/version":"v0.11.0",)"
        R"("app.kubernetes.io/managed-by":"llmctl","team":"ml"})");
  CHECK(component_selector("x") == Json{{"app.kubernetes.io/component", "x"}});
  CHECK(label_value("sha256:abc/def") == "sha256-abc-def");
  CHECK(label_value("--") == "");
}

TEST_CASE("engine helpers: kebab-case flags, shell quoting") {
  CHECK(kebab_case("maxNumSeqs") == "max-num-seqs");
  CHECK(kebab_case("enablePrefixCaching") == "enable-prefix-caching");
  CHECK(kebab_case("kv_cache_dtype") == "kv-cache-dtype");
  CHECK(shell_quote("Qwen/Qwen3-1.7B") == "Qwen/Qwen3-1.7B");
  CHECK(shell_quote("{\"a\": 1}") == "'{\"a\": 1}'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("") == "''");
}
