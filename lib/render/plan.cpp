#include "render/plan.hpp"

#include "sizing/dtype.hpp"
#include "sizing/parallel.hpp"
#include "sizing/vllm.hpp"
#include "sizing/vllm_constants.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmctl::render {

namespace {

using u64 = std::uint64_t;

// Below this many tokens a context is not worth deploying.
constexpr u64 kMinContext = 1024;

// The longest context worth offering: a multiple of 1024 (of 256 below 4096).
u64 round_context(u64 tokens) {
  const u64 step = tokens >= 4096 ? 1024 : 256;
  return tokens / step * step;
}

// The longest context the fit could hold: the most tokens for `concurrency`
// sequences when vLLM starts, else the largest --max-model-len it starts with.
u64 longest_context(const Fit& f) {
  if (!f.vllm_modelled) return 0;
  return f.vllm.starts ? f.max_context : std::min(f.vllm.max_model_len_fits, f.max_context ? f.max_context : f.vllm.max_model_len_fits);
}

struct Hardware {
  const Accelerator* gpu = nullptr;
  const Instance* instance = nullptr;
  u64 per_node = 8;  // a bare GPU type: nodes of up to 8
};

FitInputs fit_inputs(const PlanRequest& r, const KvPrecision& kv, const VllmConstants& constants, u64 context) {
  FitInputs fi;
  fi.config = r.config;
  fi.weights = r.weights;
  fi.kv = kv;
  fi.context = context;
  fi.concurrency = r.concurrency.value_or(1);
  fi.tp = r.tp;
  fi.pp = r.pp;
  fi.max_num_seqs = r.max_num_seqs;
  fi.max_num_batched_tokens = r.max_num_batched_tokens;
  fi.constants = constants;
  return fi;
}

Fit fit_hardware(const FitInputs& fi, const Hardware& hw) {
  u64 per_node = hw.per_node;
  if (!hw.instance && fi.tp) per_node = std::max<u64>(per_node, *fi.tp);
  return fit_on(fi, *hw.gpu, per_node, hw.instance);
}

std::string hardware_name(const Hardware& hw) { return hw.instance ? hw.instance->name : hw.gpu->name; }

std::string describe(const Fit& f) {
  std::string s = f.instance.empty() ? fmt::format("{} x {}", f.tp * f.pp, f.gpu) : f.instance;
  s += fmt::format(" with --tp {}", f.tp);
  if (f.pp > 1) s += fmt::format(" --pp {}", f.pp);
  if (f.nodes > 1) s += fmt::format(" ({} nodes)", f.nodes);
  return s;
}

// The cheapest fitting row of the catalog, on `provider` first, on bf16 GPUs
// for a bf16 model (T4 and V100 would run it in fp16).
const Fit* cheapest(const std::vector<Fit>& rows, const PlanRequest& r, const HardwareCatalog& catalog) {
  const std::string& provider = r.provider;
  const bool bf16_model = r.prefer_bf16 && r.weights->precision.base_name == "bf16";
  const Fit* any = nullptr;
  for (const Fit& f : rows) {
    if (!f.fits || !f.vllm_modelled) continue;
    if (const Accelerator* gpu = catalog.find_accelerator(f.gpu); bf16_model && gpu && !gpu->bf16) continue;
    if (f.provider == provider) return &f;
    if (!any) any = &f;
  }
  return any;
}

// The longest context (a round number) under fi.context that fits `hw`:
// vLLM's own estimate first, then the sequences asked for. Updates fi.context.
Fit shorten(FitInputs& fi, const Hardware& hw, Fit fit) {
  for (int attempt = 0; attempt < 3 && !fit.fits && longest_context(fit) >= kMinContext; ++attempt) {
    const u64 context = round_context(longest_context(fit));
    if (context >= fi.context) break;
    fi.context = context;
    fit = fit_hardware(fi, hw);
  }
  return fit;
}

// The hint of a failure: "nearest configuration that works: ..."; every
// option offered was fitted.
std::string nearest(const PlanRequest& r, const FitInputs& fi, const Hardware* hw, const Fit* failed,
                    const HardwareCatalog& catalog) {
  std::vector<std::string> options;
  FitInputs free = fi;
  free.tp.reset();
  free.pp.reset();
  if (hw && (fi.tp || fi.pp)) {
    const Fit f = fit_hardware(free, *hw);
    if (f.fits) options.push_back(fmt::format("--tp {}{} on {}", f.tp, f.pp > 1 ? fmt::format(" --pp {}", f.pp) : "",
                                              hardware_name(*hw)));
  }
  if (hw && failed) {
    FitInputs shorter = fi;
    if (shorten(shorter, *hw, *failed).fits)
      options.push_back(fmt::format("--context {} on {}", shorter.context, hardware_name(*hw)));
  }
  if (hw && failed && fi.concurrency > 1 && failed->max_concurrency >= 1 && failed->max_concurrency < fi.concurrency) {
    FitInputs fewer = fi;
    fewer.concurrency = failed->max_concurrency;
    if (fit_hardware(fewer, *hw).fits)
      options.push_back(fmt::format("--concurrency {} on {}", fewer.concurrency, hardware_name(*hw)));
  }
  const std::vector<Fit> rows = fit_catalog(free, catalog);
  if (const Fit* best = cheapest(rows, r, catalog)) options.push_back("--instance " + describe(*best));
  if (options.empty())
    return fmt::format("no instance of the catalog holds {} sequence(s) of {} tokens; try a quantized variant of the "
                       "model or a shorter --context",
                       fi.concurrency, fi.context);
  std::string hint = "nearest configuration that works: ";
  for (std::size_t i = 0; i < options.size(); ++i) hint += (i ? "; or " : "") + options[i];
  return hint;
}

// A --tp/--pp that vLLM refuses for this model: exit 3 with the valid sizes and
// the nearest valid TP that fits.
void check_tp(const PlanRequest& r, const FitInputs& fi, const Hardware* hw, const HardwareCatalog& catalog) {
  const u64 tp = fi.tp.value_or(1), pp = fi.pp.value_or(1);
  try {
    check_parallelism(*r.config, tp, pp);
    return;
  } catch (const Error& e) {
    std::vector<u64> valid;  // by distance to the TP asked for, larger first on ties
    for (u64 t = 1; t <= std::max<u64>(tp * 2, 8); ++t) {
      try {
        check_parallelism(*r.config, t, std::min<u64>(pp, r.config->num_hidden_layers));
        valid.push_back(t);
      } catch (const Error&) {
      }
    }
    std::stable_sort(valid.begin(), valid.end(), [&](u64 a, u64 b) {
      const u64 da = a > tp ? a - tp : tp - a, db = b > tp ? b - tp : tp - b;
      return da != db ? da < db : a > b;
    });
    std::string hint = e.hint();
    for (u64 t : valid) {
      FitInputs candidate = fi;
      candidate.tp = t;
      candidate.pp = std::min<u64>(pp, r.config->num_hidden_layers);
      const bool fits = hw ? fit_hardware(candidate, *hw).fits : cheapest(fit_catalog(candidate, catalog), r, catalog) != nullptr;
      if (fits) {
        hint += fmt::format("; nearest configuration that works: --tp {}{}", t, hw ? " on " + hardware_name(*hw) : "");
        break;
      }
    }
    throw check_failed(fmt::format("{}: {}", r.model, e.what()), hint);
  }
}

}  // namespace

DeploymentPlan plan_deployment(const PlanRequest& r, const HardwareCatalog& catalog) {
  const ModelConfig& config = *r.config;
  if (!r.gpu.empty() && !r.instance.empty())
    throw usage_error("--gpu and --instance are exclusive", "an instance already names its GPUs");
  const u64 model_max = config.max_position_embeddings;
  if (!r.context && model_max == 0)
    throw usage_error("the model's config gives no max_position_embeddings", "pass --context <tokens>");

  VllmConstants constants = VllmConstants::preset("0.11");
  if (r.gpu_memory_utilization) constants.set("gpu_memory_utilization", *r.gpu_memory_utilization);
  const KvPrecision kv = resolve_kv_precision("auto", r.weights->precision);
  FitInputs fi = fit_inputs(r, kv, constants, r.context.value_or(model_max));

  DeploymentPlan plan;
  Hardware hw;
  Fit fit;
  const bool given = !r.instance.empty() || !r.gpu.empty();
  if (given) {
    if (!r.instance.empty()) {
      hw.instance = &catalog.instance(r.instance);
      hw.gpu = &catalog.accelerator(hw.instance->gpu);
      hw.per_node = hw.instance->gpus;
    } else {
      hw.gpu = &catalog.accelerator(r.gpu);
    }
    if (!hw.gpu->vllm_gpu())
      throw usage_error(fmt::format("{} has {} accelerators ({} runtime): llmctl render deploys GPU engines only",
                                    hardware_name(hw), hw.gpu->name, hw.gpu->runtime),
                        "choose a GPU instance, e.g. --instance g6.2xlarge");
  }
  if (r.tp || r.pp) check_tp(r, fi, given ? &hw : nullptr, catalog);
  if (given) {
    fit = fit_hardware(fi, hw);
    if (!fit.fits && !r.context) {  // the model's whole context does not fit: the longest that does
      FitInputs shorter = fi;
      if (Fit f = shorten(shorter, hw, fit); f.fits) {
        fi = shorter;
        fit = f;
        plan.context_reduced = true;
      }
    }
    if (!fit.fits)
      throw check_failed(fmt::format("{} does not fit {}: {}", r.model, hardware_name(hw), fit.reason),
                         nearest(r, fi, &hw, &fit, catalog));
  } else {
    std::vector<Fit> rows = fit_catalog(fi, catalog);
    const Fit* best = cheapest(rows, r, catalog);
    if (!best && !r.context) {
      // Nothing holds the model's whole context: the cheapest that holds the longest.
      for (int attempt = 0; attempt < 3 && !best; ++attempt) {
        const Fit* longest = nullptr;
        for (const Fit& f : rows)
          if (!longest || longest_context(f) > longest_context(*longest)) longest = &f;
        if (!longest || longest_context(*longest) < kMinContext) break;
        fi.context = round_context(longest_context(*longest));
        rows = fit_catalog(fi, catalog);
        best = cheapest(rows, r, catalog);
        plan.context_reduced = true;
      }
    }
    if (!best)
      throw check_failed(fmt::format("{} fits no instance of the catalog at {} tokens and {} sequence(s)", r.model,
                                     fi.context, fi.concurrency),
                         nearest(r, fi, nullptr, nullptr, catalog));
    hw.instance = &catalog.instance(best->instance);
    hw.gpu = &catalog.accelerator(hw.instance->gpu);
    hw.per_node = hw.instance->gpus;
    fit = *best;
    plan.instance_chosen = true;
  }

  // --max-num-seqs: as given, else the sequences asked for, else as many full-context
  // sequences as the KV cache holds (up to vLLM's default); then the exact figures.
  plan.max_num_seqs = r.max_num_seqs ? *r.max_num_seqs
                      : r.concurrency ? *r.concurrency
                                      : std::max<u64>(1, std::min(fit.vllm.max_num_seqs, fit.max_concurrency));
  FitInputs final_inputs = fi;
  final_inputs.tp = fit.tp;
  final_inputs.pp = fit.pp;
  final_inputs.max_num_seqs = plan.max_num_seqs;
  if (Fit exact = fit_hardware(final_inputs, hw); exact.fits) {
    exact.reason = fit.reason;
    fit = exact;
  }

  plan.fit = fit;
  plan.gpu = *hw.gpu;
  if (hw.instance) plan.instance = *hw.instance;
  plan.context = fi.context;
  plan.concurrency = fi.concurrency;
  plan.gpu_memory_utilization = constants.get("gpu_memory_utilization");
  plan.nodes = fit.nodes;
  plan.gpus_per_pod = fit.nodes > 1 ? hw.per_node : fit.tp * fit.pp;
  if (plan.instance_chosen)
    plan.notes.push_back(fmt::format("no --instance or --gpu: {} is the cheapest {}instance that holds {}",
                                     hw.instance->name, hw.instance->provider == r.provider ? r.provider + " " : "",
                                     r.model));
  if (plan.context_reduced)
    plan.notes.push_back(fmt::format("the model's full context ({} tokens) fits nowhere there: --max-model-len {}, the "
                                     "longest that does (--context to choose)",
                                     model_max, plan.context));
  const std::string where = plan.instance ? plan.instance->name : "";
  plan.summary = fmt::format("{} on {}{} x {}{}: {}", r.model, where.empty() ? "" : where + " (",
                             plan.nodes > 1 ? plan.nodes * hw.per_node : fit.tp * fit.pp, plan.gpu.name,
                             where.empty() ? "" : ")", fit.reason);
  return plan;
}

}  // namespace llmctl::render
