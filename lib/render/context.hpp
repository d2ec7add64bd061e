// The render context: one JSON object the templates read (documented in
// docs/render.md), built from the merged values, the plan, the pod's sizing
// and the engine's command. Templates only lay it out; every decision is here.
#pragma once

#include "model/config.hpp"
#include "render/engine.hpp"
#include "render/plan.hpp"
#include "render/resources.hpp"
#include "sizing/weights.hpp"
#include "util/output.hpp"

#include <string>
#include <vector>

namespace llmctl::render {

struct ContextInputs {
  const Json* values = nullptr;  // merged values (templates/values.yaml layout)
  std::string name;              // inference.serviceName, resolved
  std::string ns;                // inference.serviceNamespace
  std::string hf_id;
  std::string served_name;
  std::string image;             // repository:tag
  std::string image_tag;
  bool lws = false;              // a LeaderWorkerSet rather than a Deployment
  const DeploymentPlan* plan = nullptr;
  const PodSizing* pod = nullptr;
  const EngineSpec* engine = nullptr;
};

struct RenderContext {
  Json context;
  std::vector<std::string> warnings;  // for stderr
};

// Usage Errors for values of the wrong shape (cache.type, autoscaling bounds, ...).
RenderContext build_context(const ContextInputs& in);

// The pod-level part of the context (pod.*), from the values and the sizing.
Json pod_context(const ContextInputs& in, const Json& selector);

}  // namespace llmctl::render
