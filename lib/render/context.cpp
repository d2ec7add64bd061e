// The render context's top level: names, labels, the engine, replicas, the
// LeaderWorkerSet, and the optional objects (cache, autoscaling, disruption
// budget, monitoring, ingress).
#include "render/context.hpp"

#include "render/naming.hpp"
#include "render/values.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::render {

namespace {

std::int64_t positive(const Json& values, std::string_view dotted, std::int64_t fallback) {
  const std::int64_t v = int_at(values, dotted).value_or(fallback);
  if (v < 1)
    throw usage_error(fmt::format("values: {} must be at least 1, got {}", dotted, v),
                      fmt::format("set {} to a positive number", dotted));
  return v;
}

Json engine_context(const ContextInputs& in) {
  const EngineSpec& e = *in.engine;
  return {{"name", e.name},
          {"container", "main"},
          {"image", in.image},
          {"pull_policy", string_at(*in.values, "global.image.pullPolicy").value_or("IfNotPresent")},
          {"command", e.command},
          {"args", e.args},
          {"port", 8000},
          {"health_path", e.health_path},
          {"metrics_path", e.metrics_path}};
}

Json cache_context(const ContextInputs& in, bool several_pods, std::vector<std::string>& warnings) {
  const Json& values = *in.values;
  const bool enabled = bool_at(values, "cache.enabled", false);
  const std::string type = string_at(values, "cache.type").value_or("pvc");
  if (type != "pvc" && type != "emptyDir")
    throw usage_error(fmt::format("values: cache.type must be pvc or emptyDir, got '{}'", type));
  const std::string size = string_at(values, "cache.size").value_or(in.pod->cache_size);
  const std::string claim = in.name + "-hf-cache";
  Json c = {{"enabled", enabled},
            {"type", type},
            {"claim_name", claim},
            {"size", size},
            {"storage_class_name", Json()},
            {"access_mode", string_at(values, "cache.accessMode").value_or(several_pods ? "ReadWriteMany" : "ReadWriteOnce")},
            {"mount_path", string_at(values, "cache.mountPath").value_or("/root/.cache/huggingface")}};
  if (auto sc = string_at(values, "cache.storageClassName")) c["storage_class_name"] = *sc;
  if (enabled && type == "pvc" && c["access_mode"] == "ReadWriteMany" && c["storage_class_name"].is_null())
    warnings.push_back("cache: several pods share the PersistentVolumeClaim (ReadWriteMany); the default storage class "
                       "(EBS) cannot: --set cache.storageClassName=<an EFS or FSx class>, or --set cache.type=emptyDir");
  c["volume_kind"] = type == "pvc" ? "persistentVolumeClaim" : "emptyDir";
  c["volume"] = type == "pvc" ? Json{{"claimName", claim}} : Json{{"sizeLimit", size}};
  return c;
}

Json autoscaling_context(const ContextInputs& in, std::int64_t replicas, std::vector<std::string>& warnings) {
  const Json& values = *in.values;
  const bool enabled = bool_at(values, "autoscaling.enabled", false);
  const std::string type = string_at(values, "autoscaling.type").value_or("keda");
  if (type != "keda" && type != "hpa")
    throw usage_error(fmt::format("values: autoscaling.type must be keda or hpa, got '{}'", type));
  const std::int64_t min = positive(values, "inference.modelServer.deployment.minReplicas", replicas);
  const std::int64_t max = positive(values, "inference.modelServer.deployment.maxReplicas", std::max<std::int64_t>(2, 2 * min));
  if (enabled && max < min)
    throw usage_error(fmt::format("values: maxReplicas {} is below minReplicas {}", max, min),
                      "raise inference.modelServer.deployment.maxReplicas");
  const std::string& metric = in.engine->queue_metric;
  if (enabled && type == "keda" && !bool_at(values, "monitoring.enabled", false))
    warnings.push_back(fmt::format("autoscaling reads {}{{service=\"{}\"}} from Prometheus: add --with monitoring, or "
                                   "make sure Prometheus scrapes the Service",
                                   metric, in.name));
  return {{"enabled", enabled},
          {"type", type},
          {"min_replicas", min},
          {"max_replicas", max},
          {"queue_length", positive(values, "autoscaling.queueLength", 5)},
          {"prometheus_address", string_at(values, "autoscaling.prometheusAddress").value_or("")},
          {"query", fmt::format("sum({}{{namespace=\"{}\",service=\"{}\"}})", metric, in.ns, in.name)},
          {"polling_interval", positive(values, "autoscaling.pollingInterval", 15)},
          {"cooldown_period", positive(values, "autoscaling.cooldownPeriod", 300)},
          {"hpa_metric_name", string_at(values, "autoscaling.hpaMetricName").value_or("vllm_num_requests_waiting")},
          {"target_kind", in.lws ? "LeaderWorkerSet" : "Deployment"},
          {"target_api_version", in.lws ? "leaderworkerset.x-k8s.io/v1" : "apps/v1"}};
}

// The chart's hosts ([{host, paths: [{path, pathType}] or ["/"]}]), normalized.
Json ingress_hosts(const Json& given, Json& all_paths) {
  Json hosts = Json::array();
  const Json default_paths = Json::array({{{"path", "/"}, {"pathType", "Prefix"}}});
  if (given.is_array())
    for (const Json& h : given) {
      if (!h.is_object()) {
        if (h.is_string()) hosts.push_back({{"host", h}, {"paths", default_paths}});
        continue;
      }
      Json paths = Json::array();
      for (const Json& p : h.value("paths", Json::array())) {
        if (p.is_string()) paths.push_back({{"path", p}, {"pathType", "Prefix"}});
        else if (p.is_object()) paths.push_back({{"path", p.value("path", "/")}, {"pathType", p.value("pathType", "Prefix")}});
      }
      hosts.push_back({{"host", h.value("host", "")}, {"paths", paths.empty() ? default_paths : paths}});
    }
  if (hosts.empty()) hosts.push_back({{"host", ""}, {"paths", default_paths}});
  for (const Json& h : hosts)
    for (const Json& p : h["paths"])
      if (std::find(all_paths.begin(), all_paths.end(), p) == all_paths.end()) all_paths.push_back(p);
  return hosts;
}

Json ingress_context(const ContextInputs& in) {
  const Json& values = *in.values;
  const bool enabled = bool_at(values, "ingress.enabled", false);
  const std::string type = string_at(values, "ingress.type").value_or("ingress");
  if (type != "ingress" && type != "httproute")
    throw usage_error(fmt::format("values: ingress.type must be ingress or httproute, got '{}'", type));
  const std::string class_name = string_at(values, "ingress.className").value_or("");
  Json annotations = Json::object();
  if (class_name == "nginx")  // streamed generations outlive nginx's 60 s defaults
    annotations = {{"nginx.ingress.kubernetes.io/proxy-read-timeout", "3600"},
                   {"nginx.ingress.kubernetes.io/proxy-send-timeout", "3600"},
                   {"nginx.ingress.kubernetes.io/proxy-buffering", "off"}};
  if (const Json* a = value_at(values, "ingress.annotations"); a && a->is_object()) merge_values(annotations, *a);
  Json paths = Json::array();
  const Json* given_hosts = value_at(values, "ingress.hosts");
  Json hosts = ingress_hosts(given_hosts ? *given_hosts : Json(), paths);
  Json tls = Json::array();
  if (const Json* t = value_at(values, "ingress.tls"); t && t->is_array())
    for (const Json& entry : *t)
      if (entry.is_object()) tls.push_back({{"secretName", entry.value("secretName", "")}, {"hosts", entry.value("hosts", Json::array())}});
  const auto gateway = string_at(values, "ingress.gateway.name");
  if (enabled && type == "httproute" && !gateway)
    throw usage_error("ingress.type httproute needs the Gateway to attach to",
                      "--set ingress.gateway.name=<gateway> (and ingress.gateway.namespace when it is elsewhere)");
  const auto gateway_ns = string_at(values, "ingress.gateway.namespace");
  return {{"enabled", enabled},
          {"type", type},
          {"class_name", class_name},
          {"annotations", annotations},
          {"hosts", hosts},
          {"paths", paths},
          {"tls", tls},
          {"gateway", {{"name", gateway.value_or("")}, {"namespace", gateway_ns ? Json(*gateway_ns) : Json()}}}};
}

}  // namespace

RenderContext build_context(const ContextInputs& in) {
  const Json& values = *in.values;
  RenderContext out;
  Json& c = out.context;
  const std::int64_t replicas = positive(values, "inference.modelServer.deployment.replicas", 1);
  Json extra = Json::object();
  if (const Json* e = value_at(values, "extraLabels"); e && e->is_object()) extra = *e;
  const Json labels = standard_labels({in.name, in.engine->name, in.image_tag, extra});
  const Json selector = component_selector(in.name);
  c["name"] = in.name;
  c["namespace"] = in.ns;
  c["labels"] = labels;
  c["selector"] = selector;
  Json service_selector = selector;
  if (in.lws) service_selector["role"] = "leader";
  c["service_selector"] = service_selector;
  Json annotations = {{"llmctl.io/model", in.hf_id}, {"llmctl.io/sizing", in.plan->summary}};
  if (in.lws && bool_at(values, "inference.modelServer.deployment.topologySpreadConstraints.enabled", true))
    annotations["leaderworkerset.sigs.k8s.io/exclusive-topology"] = "topology.kubernetes.io/zone";
  c["annotations"] = annotations;
  c["sizing"] = {{"summary", in.plan->summary}};
  c["model"] = {{"id", in.hf_id}, {"served_name", in.served_name}};
  c["engine"] = engine_context(in);
  c["replicas"] = replicas;
  if (in.lws) {
    c["lws"] = {{"size", in.plan->nodes},
                {"leader", {{"command", in.engine->leader_command}, {"args", Json::array()}}},
                {"worker", {{"command", in.engine->worker_command}, {"args", Json::array()}}}};
  } else {
    c["lws"] = nullptr;
  }
  c["pod"] = pod_context(in, selector);
  c["service"] = {{"type", string_at(values, "service.type").value_or("ClusterIP")},
                  {"port", positive(values, "service.port", 8000)},
                  {"annotations", value_at(values, "service.annotations") ? *value_at(values, "service.annotations")
                                                                           : Json::object()}};
  const bool autoscaled = bool_at(values, "autoscaling.enabled", false);
  c["cache"] = cache_context(in, replicas > 1 || autoscaled || in.lws, out.warnings);
  c["autoscaling"] = autoscaling_context(in, replicas, out.warnings);
  c["pdb"] = {{"enabled", bool_at(values, "podDisruptionBudget.enabled", false)},
              {"max_unavailable", value_at(values, "podDisruptionBudget.maxUnavailable")
                                      ? *value_at(values, "podDisruptionBudget.maxUnavailable")
                                      : Json(1)}};
  Json monitor_labels = Json::object();
  if (const Json* l = value_at(values, "monitoring.labels"); l && l->is_object()) monitor_labels = *l;
  c["monitoring"] = {{"enabled", bool_at(values, "monitoring.enabled", false)},
                     {"interval", string_at(values, "monitoring.interval").value_or("15s")},
                     {"labels", monitor_labels}};
  c["ingress"] = ingress_context(in);
  return out;
}

}  // namespace llmctl::render
