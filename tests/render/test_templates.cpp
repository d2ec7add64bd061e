// Templates: where they come from (a directory overrides one file, the
// embedded copy is the fallback and equals templates/), what a broken one
// reports (name and line), the output formats.
#include "render/manifests.hpp"
#include "render/templates.hpp"
#include "render_fixtures.hpp"
#include "util/embedded.hpp"

#include <unistd.h>

using namespace llmctl;
using namespace llmctl::render;
using namespace llmctl::test;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

// The text between the first "{%- macro to_yaml" and its endmacro.
std::string macro_of(const std::string& text) {
  const std::size_t start = text.find("{#- to_yaml(v, n)");
  const std::size_t end = text.find("{%- endmacro -%}");
  if (start == std::string::npos || end == std::string::npos) return "";
  return text.substr(start, end - start);
}

}  // namespace

TEST_CASE("templates: the embedded copy is templates/, file for file") {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(source_dir() / "templates")) {
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    const auto embedded = embedded::template_file(name);
    REQUIRE(embedded.has_value());
    CHECK(std::string(*embedded) == read_text(entry.path()));
    ++count;
  }
  CHECK(count == embedded::templates_files().size());
  for (const std::string& name : manifest_template_names()) CHECK(embedded::template_file(name).has_value());
}

TEST_CASE("templates: every template carries the same to_yaml macro") {
  const std::string reference = macro_of(read_text(source_dir() / "templates" / "deployment.yaml.j2"));
  REQUIRE(!reference.empty());
  for (const std::string& name : manifest_template_names()) {
    CAPTURE(name);
    CHECK(macro_of(read_text(source_dir() / "templates" / name)) == reference);
  }
}

TEST_CASE("templates: a directory overrides one template; the rest stay built in") {
  TempDir dir("llmctl-render-templates");
  dir.write("service.yaml.j2", "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ name }}-custom\n");
  render::RenderRequest r = request_from_args(split_words("qwen3-1.7b --instance g6.2xlarge"));
  r.template_dir = dir.path;
  const auto result = render_deployment(r, [](const std::string&) {});
  CHECK(result.manifests[0].text == "apiVersion: v1\nkind: Service\nmetadata:\n  name: qwen3-1-7b-vllm-custom\n");
  CHECK(result.manifests[1].object["kind"] == Json("Deployment"));
  const auto loader = TemplateLoader({dir.path});
  CHECK(loader.load("service.yaml.j2").origin == (dir.path / "service.yaml.j2").string());
  CHECK(loader.load("pdb.yaml.j2").origin == "built-in");
  // LLMCTL_TEMPLATE_DIR comes after --template-dir; a missing --template-dir is a usage error.
  const auto env = TemplateLoader::for_command(std::nullopt, dir.path.c_str(), {});
  CHECK(env.directories() == std::vector<fs::path>{dir.path});
  CHECK(catch_error([] { TemplateLoader::for_command(fs::path("/nonexistent"), nullptr, {}); }).code == ExitCode::usage);
}

TEST_CASE("templates: invalid YAML is reported with the template's name and line") {
  TempDir dir("llmctl-render-broken");
  dir.write("service.yaml.j2", "apiVersion: v1\nkind: Service\nmetadata:\n  name: [{{ name }}\n  namespace: x\n");
  render::RenderRequest r = request_from_args(split_words("qwen3-1.7b --instance g6.2xlarge"));
  r.template_dir = dir.path;
  const auto e = catch_error([&] { render_deployment(r, [](const std::string&) {}); });
  CHECK(e.code == ExitCode::runtime);
  CHECK(e.message.starts_with("template service.yaml.j2 (" + (dir.path / "service.yaml.j2").string() +
                              "): invalid YAML at line "));
  CHECK(e.message.find("): invalid YAML at line 5, column 12: end of sequence flow not found\n  5 |   namespace: x") !=
        std::string::npos);
}

TEST_CASE("templates: template errors and documents that are not Kubernetes objects") {
  const Json ctx = {{"name", "x"}};
  const auto undefined = catch_error([&] { render_template({"t.yaml.j2", "a: {{ nope }}\n", "test"}, ctx); });
  CHECK(undefined.code == ExitCode::runtime);
  CHECK(undefined.message.starts_with("template t.yaml.j2 (test): "));
  CHECK(undefined.message.find("'nope' is undefined") != std::string::npos);
  const auto syntax = catch_error([&] { render_template({"t.yaml.j2", "{% if %}\n", "test"}, ctx); });
  CHECK(syntax.message.find("t.yaml.j2:1") != std::string::npos);
  CHECK(catch_error([&] { render_template({"t.yaml.j2", "kind: X\n", "test"}, ctx); }).message ==
        "template t.yaml.j2 (test): the rendered document is not a Kubernetes object: no apiVersion");
  CHECK(render_template({"t.yaml.j2", "{% if false %}a: 1{% endif %}\n\n", "test"}, ctx).empty());
  const auto two = render_template({"t.yaml.j2", "apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\n"
                                    "apiVersion: v1\nkind: B\nmetadata: {name: b}\n", "test"}, ctx);
  CHECK(two.size() == 2);
}

TEST_CASE("output: multi-document YAML and a v1 List") {
  const auto r = render_args("qwen3-1.7b --instance g6.2xlarge");
  const std::string yaml = manifests_yaml(r.manifests);
  CHECK(yaml.starts_with("apiVersion: v1\nkind: Service\n"));
  CHECK(yaml.find("\n---\n# Qwen/Qwen3-1.7B on g6.2xlarge (1 x L4): vLLM holds 3 sequences of 40,960 tokens\n"
                  "apiVersion: apps/v1\nkind: Deployment\n") != std::string::npos);
  const Json list = manifests_list(r.manifests);
  CHECK(list["apiVersion"] == Json("v1"));
  CHECK(list["kind"] == Json("List"));
  CHECK(list["items"].size() == 2);
  CHECK(list["items"][1]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == Json(1));
}
