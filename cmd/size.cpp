#include "size.hpp"

#include "sizing/dtype.hpp"
#include "sizing/explain.hpp"
#include "sizing/hardware.hpp"
#include "sizing/plan.hpp"
#include "sizing/report_json.hpp"
#include "sizing/report_table.hpp"
#include "sizing/source.hpp"
#include "sizing/vllm_constants.hpp"
#include "sizing/weights.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

namespace llmctl::cmd {

CLI::App* register_size(CLI::App& root, SizeOptions& o) {
  auto* app = root.add_subcommand(
      "size", "Exact GPU memory (weights, KV cache, activations), vLLM's allocation and the cheapest fit");
  cli::add_model_argument(*app, o.model);
  cli::add_output_option(*app, o.output);
  app->add_option("--dtype", o.dtype, "Weight precision: auto (config.json), a float, a quantization or a GGUF type")
      ->check(CLI::IsMember(weight_precision_names(), CLI::ignore_case))
      ->capture_default_str();
  app->add_option("--kv-dtype", o.kv_dtype, "KV cache precision")
      ->check(CLI::IsMember(kv_precision_names(), CLI::ignore_case))
      ->capture_default_str();
  app->add_option("--context", o.context, "Tokens per sequence (default: the model's maximum)")->type_name("TOKENS");
  app->add_option("--concurrency", o.concurrency, "Sequences held at once")->type_name("N")->capture_default_str();
  app->add_option("--tp", o.tp, "Tensor-parallel size (default: 1 on --gpu, the smallest that fits elsewhere)")
      ->type_name("N");
  app->add_option("--pp", o.pp, "Pipeline-parallel size (stages, one per node)")->type_name("N");
  app->add_option("--max-num-batched-tokens", o.max_num_batched_tokens,
                  "Tokens per forward pass (default: vLLM's for the GPU)")
      ->type_name("TOKENS");
  app->add_option("--max-num-seqs", o.max_num_seqs, "Sequences per batch (default: vLLM's for the GPU)")->type_name("N");
  app->add_option("--gpu", o.gpu, "A GPU of the catalog (L4, A10G, H100, ...): fits or not, headroom, limits")
      ->type_name("GPU")
      ->envname("LLMCTL_GPU");
  app->add_option("--instance", o.instance, "A cloud instance of the catalog (g6.2xlarge, p5.48xlarge, ...)")
      ->type_name("INSTANCE")
      ->envname("LLMCTL_INSTANCE")
      ->excludes("--gpu");
  app->add_option("--gpu-memory-utilization", o.gpu_memory_utilization,
                  "vLLM's --gpu-memory-utilization (default 0.9)")
      ->type_name("FRACTION");
  app->add_option("--block-size", o.block_size, "vLLM's --block-size (default 16)")->type_name("TOKENS");
  app->add_option("--vllm-version", o.vllm_version, "vLLM version to model: 0.11 (V1 engine), 0.7 or 0.6 (V0)")
      ->check(CLI::IsMember(VllmConstants::versions()))
      ->envname("LLMCTL_VLLM_VERSION")
      ->capture_default_str();
  app->add_option("--vllm-constant", o.vllm_constants,
                  "Override a constant of the vLLM model, e.g. sampler_bytes_per_logit=30 (repeatable; -o json lists them)")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);
  app->add_option("--weights-from", o.weights_from,
                  "Weight bytes from: auto (local or Hub safetensors headers when available), config, local, hub")
      ->check(CLI::IsMember(header_policy_names()))
      ->envname("LLMCTL_WEIGHTS_FROM")
      ->capture_default_str();
  app->add_flag("--check", o.check, "Exit 3 when the model does not fit the --gpu or --instance (for CI)");
  app->add_flag("--guide", o.guide, "Show the deployment guide's method beside the exact one");
  app->add_flag("--explain", o.explain, "Show every figure as its formula with the numbers substituted");
  cli::set_examples(*app,
                    "  llmctl size qwen3-1.7b\n"
                    "  llmctl size qwen3-1.7b --context 8192 --gpu L4\n"
                    "  llmctl size qwen3-1.7b --context 8192 --guide\n"
                    "  llmctl size llama-3.1-8b --instance g6.2xlarge --concurrency 8 --check\n"
                    "  llmctl size Qwen/Qwen3-8B --dtype q4_k_m --kv-dtype fp8 -o json\n"
                    "  llmctl size llama-3.1-70b --gpu H100 --tp 4 --explain\n");
  return app;
}

int run_size(const SizeOptions& o) {
  const auto format = parse_output_format(o.output);
  if (o.check && o.gpu.empty() && o.instance.empty())
    throw usage_error("--check needs --gpu or --instance", "say which GPU or instance the model must fit");

  HeaderPolicy policy = parse_header_policy(o.weights_from);
  const bool explicit_dtype = o.dtype != "auto" && o.dtype != "AUTO";
  if (explicit_dtype && policy == HeaderPolicy::automatic) policy = HeaderPolicy::config;
  const LoadedModel model = load_model(o.model, policy, [](const std::string& line) {
    std::fprintf(stderr, "llmctl: %s\n", line.c_str());
  });
  cli::verbose(*o.global, "config: " + model.config_source_kind + ", " + model.config_source);
  cli::verbose(*o.global, model.checkpoint ? "weights: " + model.headers_kind + ", " + model.headers_source
                                           : std::string("weights: computed from the config"));
  for (const auto& note : model.notes) cli::verbose(*o.global, "note: " + note);
  const WeightPrecision precision = resolve_weight_precision(o.dtype, model.config);
  WeightsEstimate weights =
      model.checkpoint
          ? weights_from_checkpoint(model.config, *model.checkpoint, precision, model.headers_kind,
                                    "safetensors headers (" + model.headers_source + ")")
          : weights_from_config(model.config, precision);

  SizeInputs in;
  in.kv_dtype = o.kv_dtype;
  in.context = o.context;
  in.concurrency = o.concurrency;
  in.tp = o.tp;
  in.pp = o.pp;
  in.max_num_batched_tokens = o.max_num_batched_tokens;
  in.max_num_seqs = o.max_num_seqs;
  in.constants = VllmConstants::preset(o.vllm_version);
  for (const auto& c : o.vllm_constants) in.constants.apply(c);
  if (o.gpu_memory_utilization) in.constants.set("gpu_memory_utilization", *o.gpu_memory_utilization);
  if (o.block_size) in.constants.set("block_size", static_cast<double>(*o.block_size));
  in.gpu = o.gpu;
  in.instance = o.instance;
  in.guide = o.guide;

  SizeReport report = size_model(model.config, std::move(weights), in, HardwareCatalog::embedded());
  report.model = model.name;
  report.config_source = model.config_source;
  report.config_source_kind = model.config_source_kind;
  if (explicit_dtype && o.weights_from == "auto")
    report.notes.insert(report.notes.begin(), "--dtype " + o.dtype + ": weights computed from the config's shapes");
  report.notes.insert(report.notes.begin(), model.notes.begin(), model.notes.end());
  const std::vector<ExplainStep> steps = o.explain ? explain_report(report) : std::vector<ExplainStep>{};

  // The table needs no JSON document: build it only for -o json|yaml (it is
  // half the run time of `llmctl size <model>` with the catalog fit table).
  if (format == OutputFormat::table)
    std::cout << render_size_report(report, steps, cli::stdout_color(*o.global));
  else
    emit(std::cout, format, size_report_to_json(report, steps), [] { return std::string(); });
  std::cout.flush();
  if (o.check && !report.fit->fits)
    throw check_failed(fmt::format("{} does not fit {}: {}", report.model,
                                   o.instance.empty() ? o.gpu : o.instance, report.fit->reason));
  return 0;
}

}  // namespace llmctl::cmd
