#include "sizing/plan.hpp"

#include "sizing/parallel.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl {

namespace {

using u64 = std::uint64_t;

u64 positive(const std::optional<std::int64_t>& v, const char* flag, const char* what) {
  if (v && *v <= 0) throw usage_error(fmt::format("{} must be a positive number of {}, got {}", flag, what, *v));
  return v ? static_cast<u64>(*v) : 0;
}

void check_config(const ModelConfig& c) {
  const auto missing = [&](const char* field) {
    throw usage_error(fmt::format("the model's config has no usable '{}' (0 or missing)", field),
                      "llmctl size needs hidden_size, num_hidden_layers, num_attention_heads, vocab_size and the KV "
                      "head size; fix config.json");
  };
  if (c.hidden_size == 0) missing("hidden_size");
  if (c.num_hidden_layers == 0) missing("num_hidden_layers");
  if (c.num_attention_heads == 0) missing("num_attention_heads");
  if (c.vocab_size == 0) missing("vocab_size");
  if (!c.mla && (c.head_dim == 0 || c.num_key_value_heads == 0)) missing("head_dim / num_key_value_heads");
}

}  // namespace

SizeReport size_model(const ModelConfig& config, WeightsEstimate weights, const SizeInputs& in,
                      const HardwareCatalog& hw) {
  check_config(config);
  if (!in.gpu.empty() && !in.instance.empty())
    throw usage_error("--gpu and --instance are exclusive", "an instance already names its GPUs");
  SizeReport r;
  r.config = config;
  r.constants = in.constants;
  r.context_is_default = !in.context;
  r.context = in.context ? positive(in.context, "--context", "tokens") : config.max_position_embeddings;
  if (r.context == 0)
    throw usage_error("the model's config gives no max_position_embeddings", "pass --context <tokens>");
  if (r.context > config.max_position_embeddings && config.max_position_embeddings > 0)
    r.notes.push_back(fmt::format(
        "--context {} is beyond the model's max_position_embeddings {}: vLLM refuses such a --max-model-len unless "
        "VLLM_ALLOW_LONG_MAX_MODEL_LEN=1, and quality past the trained length is not guaranteed",
        r.context, config.max_position_embeddings));
  r.concurrency = positive(std::optional<std::int64_t>(in.concurrency), "--concurrency", "sequences");
  const u64 tp = in.tp ? positive(in.tp, "--tp", "GPUs") : 1;
  const u64 pp = in.pp ? positive(in.pp, "--pp", "stages") : 1;
  check_parallelism(config, tp, pp);
  positive(in.max_num_batched_tokens, "--max-num-batched-tokens", "tokens");
  positive(in.max_num_seqs, "--max-num-seqs", "sequences");

  r.params = count_parameters(config);
  r.kv = resolve_kv_precision(in.kv_dtype, weights.precision);
  r.kv_model = kv_cache_shape(config, r.kv, 1, 1, 0);
  r.weights = std::move(weights);

  FitInputs fi;
  fi.config = &r.config;
  fi.weights = &r.weights;
  fi.kv = r.kv;
  fi.context = r.context;
  fi.concurrency = r.concurrency;
  if (in.tp) fi.tp = tp;
  if (in.pp) fi.pp = pp;
  if (in.max_num_batched_tokens) fi.max_num_batched_tokens = static_cast<u64>(*in.max_num_batched_tokens);
  if (in.max_num_seqs) fi.max_num_seqs = static_cast<u64>(*in.max_num_seqs);
  fi.constants = in.constants;

  std::string cc;
  if (!in.gpu.empty()) {
    const Accelerator& gpu = hw.accelerator(in.gpu);
    cc = gpu.compute_capability;
    FitInputs fixed = fi;
    fixed.tp = tp;
    fixed.pp = pp;
    r.fit = fit_on(fixed, gpu, tp * pp, nullptr);
    if (!r.fit->fits && !in.tp && !in.pp) {
      FitInputs free = fi;
      Fit s = fit_on(free, gpu, 8, nullptr);
      if (s.fits) r.suggestion = s;
    }
  } else if (!in.instance.empty()) {
    const Instance& inst = hw.instance(in.instance);
    const Accelerator& gpu = hw.accelerator(inst.gpu);
    cc = gpu.compute_capability;
    r.fit = fit_on(fi, gpu, inst.gpus, &inst);
    if (r.fit->fits && r.fit->nodes > 1) {
      r.fit->fits = false;
      r.fit->reason = fmt::format("needs {} x {} (pipeline parallel across machines), not one", r.fit->nodes, inst.name);
    }
  } else {
    r.table = fit_catalog(fi, hw);
  }

  r.tp = r.fit ? r.fit->tp : tp;
  r.pp = r.fit ? r.fit->pp : pp;
  r.prefill_tokens = (r.fit && r.fit->vllm_modelled) ? r.fit->vllm.max_num_batched_tokens
                                                     : fi.max_num_batched_tokens.value_or(2048);
  const Workload load{r.context, r.concurrency, r.tp, r.pp, r.prefill_tokens};
  r.estimate = estimate_memory(r.config, r.weights, r.kv, load, r.constants, cc);
  if (in.guide) r.guide = guide_estimate(r.config, r.params, r.context, r.kv_model.bytes_per_token());
  if (config.multimodal && r.fit && r.fit->vllm_modelled)
    r.notes.push_back("multimodal model: vLLM also profiles its vision encoder, and the measured activation peak of "
                      "multimodal models differs from the text-only model used here (Mistral-Small-3.2 on H100: 2.12 "
                      "GiB measured); treat the vLLM figures as an estimate");
  for (const auto& n : config.notes) r.notes.push_back(n);
  for (const auto& n : r.weights.notes) r.notes.push_back(n);
  return r;
}

}  // namespace llmctl
