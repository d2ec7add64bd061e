#include "render/render.hpp"

#include "render/context.hpp"
#include "render/engine.hpp"
#include "render/naming.hpp"
#include "render/plan.hpp"
#include "render/resources.hpp"
#include "render/values.hpp"
#include "render/yaml_json.hpp"
#include "sizing/dtype.hpp"
#include "sizing/hardware.hpp"
#include "sizing/source.hpp"
#include "sizing/weights.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::render {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out;
}

void unknown_warning(const Json& schema, const Json& layer, const std::string& where, std::vector<std::string>& out) {
  const std::vector<std::string> unknown = unknown_keys(schema, layer);
  if (!unknown.empty())
    out.push_back(fmt::format("{}: ignoring key{} llmctl render does not use: {}", where, unknown.size() == 1 ? "" : "s",
                              joined(unknown)));
}

// The command's flags, over everything else.
void apply_flags(const RenderRequest& r, Json& v) {
  const auto set = [&](std::string_view dotted, Json value) {
    ValuePath path;
    std::size_t start = 0;
    while (start <= dotted.size()) {
      const std::size_t dot = dotted.find('.', start);
      path.emplace_back(dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    set_value(v, path, std::move(value));
  };
  if (r.model) set("model", *r.model);
  if (!r.gpu.empty()) {
    set("gpu", r.gpu);
    set("inference.modelServer.deployment.instanceType", nullptr);
  }
  if (!r.instance.empty()) {
    set("inference.modelServer.deployment.instanceType", r.instance);
    set("gpu", nullptr);
  }
  if (!r.engine.empty()) set("inference.framework", r.engine);
  if (r.context) set("modelParameters.maxModelLen", *r.context);
  if (r.concurrency) set("concurrency", *r.concurrency);
  if (r.tp) set("modelParameters.tensorParallelSize", *r.tp);
  if (r.pp) set("modelParameters.pipelineParallelSize", *r.pp);
  if (r.replicas) set("inference.modelServer.deployment.replicas", *r.replicas);
  if (!r.ns.empty()) set("inference.serviceNamespace", r.ns);
  if (!r.name.empty()) set("inference.serviceName", r.name);
  if (!r.image.empty()) {
    const std::size_t slash = r.image.rfind('/');
    const std::size_t colon = r.image.rfind(':');
    const bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
    set("inference.modelServer.image.repository", tagged ? r.image.substr(0, colon) : r.image);
    set("inference.modelServer.image.tag", tagged ? Json(r.image.substr(colon + 1)) : Json("latest"));
  }
  for (const std::string& w : r.with) {
    if (w == "autoscaling") set("autoscaling.enabled", true);
    else if (w == "pdb") set("podDisruptionBudget.enabled", true);
    else if (w == "cache") set("cache.enabled", true);
    else if (w == "monitoring") set("monitoring.enabled", true);
    else if (w == "ingress") set("ingress.enabled", true);
    else throw usage_error(fmt::format("--with: unknown object '{}'", w), "choose among " + joined(with_names()));
  }
}

std::optional<std::uint64_t> unsigned_at(const Json& values, std::string_view dotted) {
  const auto v = int_at(values, dotted);
  if (!v) return std::nullopt;
  if (*v < 1) throw usage_error(fmt::format("values: {} must be at least 1, got {}", dotted, *v));
  return static_cast<std::uint64_t>(*v);
}

// The chart's GPUs per pod: resources.gpu.limits (or requests) nvidia.com/gpu.
std::optional<std::uint64_t> chart_gpus(const Json& values) {
  const Json* gpu = value_at(values, "inference.modelServer.deployment.resources.gpu");
  if (!gpu || !gpu->is_object()) return std::nullopt;
  for (const char* part : {"limits", "requests"})
    if (gpu->contains(part) && (*gpu)[part].is_object() && (*gpu)[part].contains("nvidia.com/gpu")) {
      Json holder = {{"n", (*gpu)[part]["nvidia.com/gpu"]}};
      return unsigned_at(holder, "n");
    }
  return std::nullopt;
}

LoadedModel load(const std::string& reference, const std::function<void(const std::string&)>& log) {
  try {
    return load_model(reference, HeaderPolicy::config, log);  // catalog, cache, local: offline and fast
  } catch (const Error& e) {
    if (e.code() != ExitCode::usage || reference.find('/') == std::string::npos) throw;
    return load_model(reference, HeaderPolicy::automatic, log);  // an HF id: config.json from the Hub
  }
}

}  // namespace

const std::vector<std::string>& with_names() {
  static const std::vector<std::string> names = {"autoscaling", "pdb", "cache", "monitoring", "ingress"};
  return names;
}

MergedValues merge_request_values(const RenderRequest& r, const TemplateLoader& loader) {
  MergedValues m;
  const TemplateFile defaults = loader.load(kValuesFile);
  m.schema = parse_yaml_values(defaults.text, defaults.origin);
  m.values = m.schema;
  for (const auto& file : r.values_files) {
    const Json layer = load_values_file(file);
    unknown_warning(m.schema, layer, file.string(), m.warnings);
    merge_values(m.values, layer);
  }
  for (const std::string& s : r.sets) {
    Json layer = Json::object();
    apply_set(layer, s);
    unknown_warning(m.schema, layer, "--set " + s.substr(0, s.find('=')), m.warnings);
    apply_set(m.values, s);
  }
  apply_flags(r, m.values);
  return m;
}

RenderResult render_deployment(const RenderRequest& r, const std::function<void(const std::string&)>& log) {
  const TemplateLoader loader = TemplateLoader::for_command(r.template_dir, r.env_template_dir, r.executable);
  MergedValues merged = merge_request_values(r, loader);
  RenderResult out;
  out.warnings = std::move(merged.warnings);
  const Json& v = merged.values;

  const std::string accelerator = string_at(v, "inference.accelerator").value_or("gpu");
  if (accelerator != "gpu")
    throw usage_error(fmt::format("inference.accelerator '{}': llmctl render deploys GPU engines only", accelerator),
                      "set inference.accelerator to gpu");
  std::string framework = string_at(v, "inference.framework").value_or("vllm");
  const bool force_lws = framework == "lws-vllm";
  const std::string engine = force_lws ? "vllm" : framework;
  if (engine != "vllm" && engine != "sglang" && engine != "llmctl")
    throw usage_error(fmt::format("inference.framework '{}' is not rendered by llmctl render", framework),
                      "use vllm, lws-vllm, sglang or llmctl (--engine)");
  const auto reference = string_at(v, "model");
  if (!reference)
    throw usage_error("no model to render", "name one (llmctl render qwen3-1.7b) or set `model` in a -f values file");

  const LoadedModel model = load(*reference, log);
  const bool local = model.config_source_kind == "config_file" || model.config_source_kind == "local_dir";
  const auto model_path = string_at(v, "modelPath");
  if (local && !model_path)
    throw usage_error(fmt::format("{} is a local path: the pods cannot download it", *reference),
                      "render a Hugging Face id (llmctl render Qwen/Qwen3-1.7B), or set modelPath to where the "
                      "pods find the files");
  const WeightsEstimate weights = weights_from_config(model.config, resolve_weight_precision("auto", model.config));

  PlanRequest pr;
  pr.config = &model.config;
  pr.weights = &weights;
  pr.model = model.name;
  pr.gpu = string_at(v, "gpu").value_or("");
  pr.instance = string_at(v, "inference.modelServer.deployment.instanceType").value_or("");
  pr.context = unsigned_at(v, "modelParameters.maxModelLen");
  pr.concurrency = unsigned_at(v, "concurrency");
  pr.tp = unsigned_at(v, "modelParameters.tensorParallelSize");
  if (!pr.tp) pr.tp = chart_gpus(v);  // the chart's rule: TP = the pod's GPUs
  pr.pp = unsigned_at(v, "modelParameters.pipelineParallelSize");
  pr.max_num_seqs = unsigned_at(v, "modelParameters.maxNumSeqs");
  pr.max_num_batched_tokens = unsigned_at(v, "modelParameters.maxNumBatchedTokens");
  pr.gpu_memory_utilization = number_at(v, "modelParameters.gpuMemoryUtilization");
  const DeploymentPlan plan = plan_deployment(pr, HardwareCatalog::embedded());
  out.notes = plan.notes;
  if (engine != "vllm")
    out.notes.push_back(fmt::format("the sizing models vLLM's memory; {} is given the same budget", engine));

  const std::string name = string_at(v, "inference.serviceName").value_or(default_service_name(model.name, framework));
  check_dns_label(name, "the name (--name / inference.serviceName)");
  const std::string ns = string_at(v, "inference.serviceNamespace").value_or("default");
  check_dns_label(ns, "the namespace (--namespace / inference.serviceNamespace)");

  EngineInputs ei;
  ei.engine = engine;
  ei.hf_id = model.name;
  ei.model_path = model_path.value_or("");
  ei.served_name = string_at(v, "modelParameters.servedModelName").value_or(model.name);
  ei.config = &model.config;
  ei.plan = &plan;
  if (const Json* mp = value_at(v, "modelParameters"); mp && mp->is_object()) ei.model_parameters = *mp;
  ei.multinode = plan.nodes > 1 || force_lws;
  if (string_at(v, "apiKeySecret.name")) ei.api_key_env = api_key_variable(engine);
  const EngineSpec spec = engine_spec(ei);
  const PodSizing pod = size_pod(plan, weights);

  ContextInputs ci;
  ci.values = &v;
  ci.name = name;
  ci.ns = ns;
  ci.hf_id = model.name;
  ci.served_name = ei.served_name;
  const std::string repository = string_at(v, "inference.modelServer.image.repository").value_or(spec.repository);
  ci.image_tag = string_at(v, "inference.modelServer.image.tag").value_or(spec.tag);
  ci.image = repository + ":" + ci.image_tag;
  ci.lws = ei.multinode;
  ci.plan = &plan;
  ci.pod = &pod;
  ci.engine = &spec;
  RenderContext context = build_context(ci);
  for (auto& w : context.warnings) out.warnings.push_back(std::move(w));
  out.manifests = render_manifests(loader, context.context);
  out.context = std::move(context.context);
  out.values = std::move(merged.values);
  return out;
}

}  // namespace llmctl::render
