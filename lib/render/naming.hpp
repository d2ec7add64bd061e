// Names and labels of the rendered objects, as the AI-on-EKS inference chart
// names them: everything is called inference.serviceName (qwen3-1-7b-vllm for
// Qwen/Qwen3-1.7B served by vLLM) and selected by its component label
// app.kubernetes.io/component=<name>, so the guide's kubectl commands work.
#pragma once

#include "util/output.hpp"

#include <string>
#include <string_view>

namespace llmctl::render {

// The chart's convention: the model's name (after the org), lowercased, every
// run of other characters than [a-z0-9] a '-', then "-<engine>":
// ("Qwen/Qwen3-1.7B", "vllm") -> "qwen3-1-7b-vllm". At most 63 characters,
// starting with a letter (an "m-" prefix otherwise).
std::string default_service_name(std::string_view hf_id, std::string_view engine);

// Free text as an RFC 1035 label of at most `max_size` characters: lowercased,
// every run of other characters than [a-z0-9] a '-', an "m-" prefix unless it
// starts with a letter ("Qwen3-1.7B" -> "qwen3-1-7b").
std::string dns_label(std::string_view text, std::size_t max_size);

// Throws a usage Error naming `what` (--name, --namespace) unless `name` is an
// RFC 1035 label (Service names): [a-z]([-a-z0-9]*[a-z0-9])?, 63 at most.
void check_dns_label(std::string_view name, std::string_view what);

// A valid label value from free text (63 characters of [A-Za-z0-9._-],
// alphanumeric at both ends), or "" when nothing is left.
std::string label_value(std::string_view text);

struct LabelInputs {
  std::string name;       // inference.serviceName
  std::string engine;     // vllm, sglang, llmctl
  std::string version;    // the image tag
  Json extra = Json::object();  // extraLabels
};

// The standard app.kubernetes.io/* labels, the chart's component label and
// extraLabels, in that order.
Json standard_labels(const LabelInputs& in);

// The chart's selector: {app.kubernetes.io/component: <name>}.
Json component_selector(std::string_view name);

}  // namespace llmctl::render
