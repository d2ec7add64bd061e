#include "render.hpp"

#include "render/engine.hpp"
#include "render/render.hpp"
#include "util/error.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace llmctl::cmd {

CLI::App* register_render(CLI::App& root, RenderOptions& o) {
  auto* app = root.add_subcommand(
      "render", "Kubernetes manifests for vLLM (or SGLang, llmctl serve) sized for the model and the instance");
  cli::add_model_argument(*app, o.model);
  app->get_option("model")->required(false);
  app->add_option("-o,--output", o.output,
                  "yaml (multi-document), json (a v1 List), or context (what the templates see, as JSON)")
      ->check(CLI::IsMember({"yaml", "json", "context"}))
      ->type_name("FORMAT")
      ->capture_default_str();
  app->add_option("--gpu", o.gpu, "A GPU of the catalog, when the node type is not known (no node selector)")
      ->type_name("GPU");
  app->add_option("--instance", o.instance,
                  "The nodes' instance type (g6.2xlarge, p5.48xlarge, ...); default: the cheapest AWS one that fits")
      ->type_name("INSTANCE")
      ->excludes("--gpu");
  app->add_option("--engine", o.engine, "Serving engine (default vllm, or the values' inference.framework)")
      ->check(CLI::IsMember(render::engine_names()))
      ->type_name("ENGINE");
  app->add_option("--context", o.context, "--max-model-len (default: the model's maximum, shorter if it fits nowhere)")
      ->type_name("TOKENS");
  app->add_option("--concurrency", o.concurrency,
                  "Sequences of the full context held at once: --max-num-seqs (default: as many as fit)")
      ->type_name("N");
  app->add_option("--tp", o.tp, "Tensor-parallel size (default: the smallest that fits)")->type_name("N");
  app->add_option("--pp", o.pp, "Pipeline-parallel size (stages; one node each when they span nodes)")->type_name("N");
  app->add_option("--replicas", o.replicas, "Replicas (copies of the model)")->type_name("N");
  app->add_option("--namespace", o.ns, "Namespace (inference.serviceNamespace; default: default)")->type_name("NS");
  app->add_option("--name", o.name, "Name of every object (inference.serviceName; default: e.g. qwen3-1-7b-vllm)")
      ->type_name("NAME");
  app->add_option("--image", o.image, "Engine image (default: vllm/vllm-openai:v0.11.0 for vLLM)")->type_name("IMAGE");
  app->add_option("--with", o.with, "Optional objects to render too, comma-separated (templates/values.yaml has their settings)")
      ->delimiter(',')
      ->check(CLI::IsMember(render::with_names()))
      ->type_name("OBJECT,...");
  app->add_option("-f,--values", o.values_files,
                  "A values file (the AI-on-EKS inference chart's, or templates/values.yaml's keys); repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app->add_option("--set", o.sets, "Set a value: key.path=value (Helm syntax; repeatable, after the -f files)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  app->add_option("--template-dir", o.template_dir,
                  "Templates that override the built-in ones (also LLMCTL_TEMPLATE_DIR)")
      ->type_name("DIR");
  cli::set_examples(*app,
                    "  llmctl render qwen3-1.7b --instance g6.2xlarge | kubectl apply -f -\n"
                    "  llmctl render -f values-qwen3-1.7b-vllm.yaml\n"
                    "  llmctl render llama-3.1-70b --instance g6e.12xlarge --with autoscaling,pdb,monitoring\n"
                    "  llmctl render deepseek-v3 --instance p5.48xlarge          # a LeaderWorkerSet on 2 nodes\n"
                    "  llmctl render qwen3-8b --set cache.enabled=true --set cache.storageClassName=efs-sc -o json\n");
  return app;
}

int run_render(const RenderOptions& o) {
  render::RenderRequest r;
  if (!o.model.empty()) r.model = o.model;
  r.gpu = o.gpu;
  r.instance = o.instance;
  r.engine = o.engine;
  r.context = o.context;
  r.concurrency = o.concurrency;
  r.tp = o.tp;
  r.pp = o.pp;
  r.replicas = o.replicas;
  r.ns = o.ns;
  r.name = o.name;
  r.image = o.image;
  r.with = o.with;
  for (const auto& f : o.values_files) r.values_files.emplace_back(f);
  r.sets = o.sets;
  if (!o.template_dir.empty()) r.template_dir = o.template_dir;
  r.env_template_dir = std::getenv("LLMCTL_TEMPLATE_DIR");
  r.executable = render::current_executable();
  const auto log = [](const std::string& line) { std::fprintf(stderr, "llmctl: %s\n", line.c_str()); };
  const render::RenderResult result = render::render_deployment(r, log);
  for (const auto& w : result.warnings) std::fprintf(stderr, "llmctl: warning: %s\n", w.c_str());
  for (const auto& n : result.notes) std::fprintf(stderr, "llmctl: note: %s\n", n.c_str());
  if (o.output == "json")
    std::cout << render::manifests_list(result.manifests).dump(2) << '\n';
  else if (o.output == "context")
    std::cout << result.context.dump(2) << '\n';
  else
    std::cout << render::manifests_yaml(result.manifests);
  std::cout.flush();
  return 0;
}

}  // namespace llmctl::cmd
