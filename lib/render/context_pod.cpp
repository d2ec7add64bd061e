// pod.* of the render context: scheduling (instance type, GPU toleration,
// zone spread), the container's environment, resources, probes, lifecycle and
// shared memory. A value given in the values replaces the derived one.
#include "render/context.hpp"
#include "render/values.hpp"

#include <fmt/format.h>

namespace llmctl::render {

namespace {

// The values' mapping at `dotted` when it is a non-empty mapping, else `fallback`.
Json mapping_or(const Json& values, std::string_view dotted, Json fallback) {
  const Json* v = value_at(values, dotted);
  return (v && v->is_object() && !v->empty()) ? *v : fallback;
}

Json http_probe(const std::string& path, std::uint64_t period, std::uint64_t timeout, std::uint64_t failures) {
  Json probe = Json::object();
  probe["httpGet"] = {{"path", path}, {"port", "http"}};
  probe["periodSeconds"] = period;
  probe["timeoutSeconds"] = timeout;
  probe["failureThreshold"] = failures;
  return probe;
}

bool has_env(const Json& env, std::string_view name) {
  for (const Json& e : env)
    if (e.is_object() && e.value("name", "") == name) return true;
  return false;
}

Json secret_env(const std::string& name, const std::string& secret, const std::string& key, bool optional) {
  Json ref = {{"name", secret}, {"key", key}};
  if (optional) ref["optional"] = true;
  return {{"name", name}, {"valueFrom", {{"secretKeyRef", ref}}}};
}

Json environment(const ContextInputs& in, Json& env_from) {
  const Json& values = *in.values;
  Json env = Json::array();
  if (const Json* user = value_at(values, "inference.modelServer.env"); user && user->is_object())
    for (const auto& [key, value] : user->items())
      env.push_back({{"name", key}, {"value", value.is_string() ? value.get<std::string>() : value.dump()}});
  const std::string secret = string_at(values, "hfTokenSecret.name").value_or("hf-token");
  if (bool_at(values, "hfTokenSecret.envFrom", false)) {
    env_from.push_back({{"secretRef", {{"name", secret}, {"optional", true}}}});
  } else if (!has_env(env, "HF_TOKEN")) {
    env.push_back(secret_env("HF_TOKEN", secret, string_at(values, "hfTokenSecret.key").value_or("token"), true));
  }
  if (bool_at(values, "cache.enabled", false) && !has_env(env, "HF_HOME"))
    env.push_back({{"name", "HF_HOME"}, {"value", string_at(values, "cache.mountPath").value_or("/root/.cache/huggingface")}});
  if (auto key_secret = string_at(values, "apiKeySecret.name")) {
    const std::string variable = api_key_variable(in.engine->name);
    if (!has_env(env, variable))
      env.push_back(secret_env(variable, *key_secret, string_at(values, "apiKeySecret.key").value_or("api-key"), false));
  }
  return env;
}

Json resources(const ContextInputs& in) {
  const PodSizing& s = *in.pod;
  Json r = Json::object();
  r["requests"] = {{"cpu", s.cpu}, {"memory", s.memory}, {s.gpu_resource, s.gpus}};
  r["limits"] = {{"memory", s.memory}, {s.gpu_resource, s.gpus}};
  // The chart's resources.gpu {requests, limits}: its keys replace ours one by one.
  if (const Json* user = value_at(*in.values, "inference.modelServer.deployment.resources.gpu"); user && user->is_object())
    for (const char* part : {"requests", "limits"})
      if (user->contains(part) && (*user)[part].is_object()) merge_values(r[part], (*user)[part]);
  return r;
}

Json tolerations(const ContextInputs& in) {
  Json out = Json::array();
  out.push_back({{"key", in.pod->gpu_resource}, {"operator", "Exists"}, {"effect", "NoSchedule"}});
  if (const Json* user = value_at(*in.values, "inference.modelServer.deployment.tolerations"); user && user->is_array())
    for (const Json& t : *user)
      if (t != out.front()) out.push_back(t);
  return out;
}

Json spread(const ContextInputs& in, const Json& selector) {
  const Json& values = *in.values;
  Json out = Json::array();
  if (in.lws || !bool_at(values, "inference.modelServer.deployment.topologySpreadConstraints.enabled", true)) return out;
  const Json* given = value_at(values, "inference.modelServer.deployment.topologySpreadConstraints.constraints");
  if (!given || !given->is_array() || given->empty()) {
    out.push_back({{"maxSkew", 1},
                   {"topologyKey", "topology.kubernetes.io/zone"},
                   {"whenUnsatisfiable", "ScheduleAnyway"},
                   {"labelSelector", {{"matchLabels", selector}}}});
    return out;
  }
  for (Json c : *given) {
    if (c.is_object()) {
      Json& labels = c["labelSelector"]["matchLabels"];
      if (!labels.is_object() || labels.empty()) labels = selector;
    }
    out.push_back(c);
  }
  return out;
}

Json affinity(const ContextInputs& in, const Json& selector) {
  const Json& values = *in.values;
  Json out = Json::object();
  const Json* terms = value_at(values, "inference.modelServer.deployment.podAffinity.preferredDuringSchedulingIgnoredDuringExecution");
  if (in.lws || !bool_at(values, "inference.modelServer.deployment.podAffinity.enabled", true) || !terms ||
      !terms->is_array() || terms->empty())
    return out;
  Json preferred = Json::array();
  for (const Json& t : *terms) {  // as the chart: each term's weight and topologyKey, our selector
    if (!t.is_object()) continue;
    const Json term = t.value("podAffinityTerm", Json::object());
    preferred.push_back({{"weight", t.value("weight", 100)},
                         {"podAffinityTerm",
                          {{"topologyKey", term.value("topologyKey", "topology.kubernetes.io/zone")},
                           {"labelSelector", {{"matchLabels", selector}}}}}});
  }
  out["podAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = preferred;
  return out;
}

}  // namespace

Json pod_context(const ContextInputs& in, const Json& selector) {
  const Json& values = *in.values;
  const PodSizing& s = *in.pod;
  const std::string deployment = "inference.modelServer.deployment.";
  Json pod = Json::object();
  const auto runtime_class = string_at(values, "runtimeClassName");
  pod["runtime_class_name"] = runtime_class ? Json(*runtime_class) : Json();
  pod["service_account_name"] = string_at(values, "serviceAccountName").value_or("default");
  pod["termination_grace_period_seconds"] =
      int_at(values, deployment + "terminationGracePeriodSeconds").value_or(static_cast<std::int64_t>(s.termination_grace_seconds));
  Json node_selector = Json::object();
  if (in.plan->instance) node_selector["node.kubernetes.io/instance-type"] = in.plan->instance->name;
  pod["node_selector"] = node_selector;
  pod["tolerations"] = tolerations(in);
  pod["topology_spread_constraints"] = spread(in, selector);
  pod["affinity"] = affinity(in, selector);
  Json env_from = Json::array();
  pod["env"] = environment(in, env_from);
  pod["env_from"] = env_from;
  pod["resources"] = resources(in);
  pod["security_context"] = {{"allowPrivilegeEscalation", false}};
  const std::string& health = in.engine->health_path;
  const std::uint64_t failures = (s.startup_seconds + s.probe_period - 1) / s.probe_period;
  pod["startup_probe"] = mapping_or(values, deployment + "startupProbe", http_probe(health, s.probe_period, 5, failures));
  pod["readiness_probe"] = mapping_or(values, deployment + "readinessProbe", http_probe(health, 10, 5, 3));
  pod["liveness_probe"] = mapping_or(values, deployment + "livenessProbe", http_probe(health, 20, 10, 3));
  Json prestop = {{"preStop", {{"exec", {{"command", Json::array({"sleep", std::to_string(s.prestop_sleep_seconds)})}}}}}};
  pod["lifecycle"] = mapping_or(values, deployment + "lifecycle", prestop);
  pod["shm_size"] = string_at(values, deployment + "sharedMemory").value_or(s.shm);
  return pod;
}

}  // namespace llmctl::render
