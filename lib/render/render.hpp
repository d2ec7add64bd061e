// `llmctl render` as a library call: the command's options in, validated
// Kubernetes manifests out. Values (defaults < -f files < --set < flags) ->
// the model -> the sizing's plan -> the pod's sizing and the engine's command
// -> the context -> the templates -> yaml-cpp-checked documents.
#pragma once

#include "render/manifests.hpp"
#include "util/output.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::render {

// --with: the optional objects, in --help order.
const std::vector<std::string>& with_names();

struct RenderRequest {
  std::optional<std::string> model;
  std::string gpu;
  std::string instance;
  std::string engine;  // vllm, sglang, llmctl; empty: the values' framework
  std::optional<std::int64_t> context;
  std::optional<std::int64_t> concurrency;
  std::optional<std::int64_t> tp;
  std::optional<std::int64_t> pp;
  std::optional<std::int64_t> replicas;
  std::string ns;
  std::string name;
  std::string image;
  std::vector<std::string> with;
  std::vector<std::filesystem::path> values_files;
  std::vector<std::string> sets;
  std::optional<std::filesystem::path> template_dir;
  const char* env_template_dir = nullptr;  // $LLMCTL_TEMPLATE_DIR
  std::filesystem::path executable;        // for <prefix>/share/llmctl/templates
};

struct RenderResult {
  std::vector<Manifest> manifests;
  Json context;                       // what the templates saw
  Json values;                        // the merged values
  std::vector<std::string> warnings;  // unknown keys, ...
  std::vector<std::string> notes;     // choices made for the user
};

// Errors: usage (bad options or values), check_failed (does not fit: the
// hint is the nearest configuration that works), runtime (templates).
RenderResult render_deployment(const RenderRequest& request, const std::function<void(const std::string&)>& log);

// The values after the defaults, -f files, --set and the flags (no model
// needed), with the warnings about unknown keys.
struct MergedValues {
  Json values;
  Json schema;
  std::vector<std::string> warnings;
};
MergedValues merge_request_values(const RenderRequest& request, const TemplateLoader& loader);

}  // namespace llmctl::render
