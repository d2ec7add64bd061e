// Rendering the templates into Kubernetes documents and printing them: every
// rendered document is parsed by yaml-cpp before anything is printed, so a
// template that renders invalid YAML is reported with its name and line.
#pragma once

#include "render/templates.hpp"
#include "text/jinja/environment.hpp"
#include "util/output.hpp"

#include <string>
#include <vector>

namespace llmctl::render {

struct Manifest {
  std::string template_name;
  std::string text;  // the rendered YAML document, ending in a newline
  Json object;       // the same, parsed
};

// The template engine's options for manifests: trim_blocks, lstrip_blocks,
// keep_trailing_newline and StrictUndefined (a typo in a template fails).
jinja::Options manifest_template_options();

// Renders one template; blank output (a disabled object) gives no manifest.
// Errors (runtime, exit 1): the template's own (name, line, column), invalid
// YAML (name, line of the output, the line), a document that is not a
// Kubernetes object (no apiVersion, kind or metadata.name).
std::vector<Manifest> render_template(const TemplateFile& file, const Json& context);

// Every template of manifest_template_names(), in order.
std::vector<Manifest> render_manifests(const TemplateLoader& loader, const Json& context);

// Multi-document YAML: the documents separated by "---".
std::string manifests_yaml(const std::vector<Manifest>& manifests);

// A v1 List of the objects.
Json manifests_list(const std::vector<Manifest>& manifests);

}  // namespace llmctl::render
