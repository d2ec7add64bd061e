#include "render/manifests.hpp"

#include "render/yaml_json.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::render {

namespace {

bool blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// Splits a rendered template at its "---" lines.
std::vector<std::string> split_documents(const std::string& text) {
  std::vector<std::string> docs(1);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    if (line == "---" || line.starts_with("--- ") || line == "---\r")
      docs.emplace_back();
    else
      docs.back().append(text, pos, end - pos).push_back('\n');
    pos = end + 1;
  }
  std::vector<std::string> out;
  for (std::string& d : docs)
    if (!blank(d)) out.push_back(std::move(d));
  return out;
}

void check_object(const Json& object, const std::string& source) {
  const auto fail = [&](const std::string& what) {
    throw runtime_error(fmt::format("{}: the rendered document is not a Kubernetes object: {}", source, what),
                        "fix the template so every document has apiVersion, kind and metadata.name");
  };
  if (!object.is_object()) fail("not a mapping");
  for (const char* key : {"apiVersion", "kind"})
    if (!object.contains(key) || !object[key].is_string() || object[key].get<std::string>().empty())
      fail(std::string("no ") + key);
  if (!object.contains("metadata") || !object["metadata"].is_object() || !object["metadata"].contains("name") ||
      !object["metadata"]["name"].is_string())
    fail("no metadata.name");
}

}  // namespace

jinja::Options manifest_template_options() {
  jinja::Options o;
  o.trim_blocks = true;
  o.lstrip_blocks = true;
  o.keep_trailing_newline = true;
  o.strict_undefined = true;
  return o;
}

std::vector<Manifest> render_template(const TemplateFile& file, const Json& context) {
  std::string text;
  try {
    const jinja::Environment env(manifest_template_options());
    text = env.parse(file.text, file.name).render(context);
  } catch (const jinja::TemplateError& e) {
    throw runtime_error(fmt::format("template {} ({}): {}", file.name, file.origin, e.what()),
                        file.origin == "built-in" ? "this is a bug in llmctl's built-in template; please report it"
                                                  : "fix the template, or remove it to use the built-in one");
  }
  std::vector<Manifest> out;
  for (std::string& doc : split_documents(text)) {
    const std::string source = fmt::format("template {} ({})", file.name, file.origin);
    std::vector<Json> parsed = parse_yaml_documents(doc, source);  // throws with the line
    if (parsed.size() != 1 || parsed.front().is_null()) continue;
    check_object(parsed.front(), source);
    while (!doc.empty() && (doc.front() == '\n')) doc.erase(doc.begin());
    out.push_back({file.name, std::move(doc), std::move(parsed.front())});
  }
  return out;
}

std::vector<Manifest> render_manifests(const TemplateLoader& loader, const Json& context) {
  std::vector<Manifest> all;
  for (const std::string& name : manifest_template_names()) {
    std::vector<Manifest> docs = render_template(loader.load(name), context);
    for (Manifest& m : docs) all.push_back(std::move(m));
  }
  return all;
}

std::string manifests_yaml(const std::vector<Manifest>& manifests) {
  std::string out;
  for (std::size_t i = 0; i < manifests.size(); ++i) {
    if (i) out += "---\n";
    out += manifests[i].text;
    if (out.back() != '\n') out += '\n';
  }
  return out;
}

Json manifests_list(const std::vector<Manifest>& manifests) {
  Json items = Json::array();
  for (const Manifest& m : manifests) items.push_back(m.object);
  return {{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}};
}

}  // namespace llmctl::render
