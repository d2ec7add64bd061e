// Weight bytes = sum over tensors of stored_tensor() (dtype.cpp); per GPU, each
// tensor is cut as vLLM's parallel layers cut it (tensors.hpp TpSplit):
//   column  rows / tp         row  cols / tp        replicated  whole
//   vocab   ceil64(V) / tp    kv_heads  max(1, n_kv / tp) * head_dim rows
#include "sizing/weights.hpp"

#include "sizing/parallel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace llmctl {

namespace {

using u64 = std::uint64_t;

u64 ceil_div(u64 a, u64 b) { return (a + b - 1) / b; }

void summarize(WeightsEstimate& w) {
  std::map<std::string, WeightTypeTotal> by;
  w.params = w.bytes = w.aux_bytes = 0;
  for (std::size_t i = 0; i < w.tensors.size(); ++i) {
    const u64 params = w.tensors[i].params();
    auto& t = by[w.stored[i].type];
    t.type = w.stored[i].type;
    t.params += params;
    t.bytes += w.stored[i].bytes;
    w.params += params;
    w.bytes += w.stored[i].bytes;
    if (w.tensors[i].role == TensorRole::quant_aux) w.aux_bytes += w.stored[i].bytes;
  }
  w.by_type.clear();
  for (auto& [_, t] : by) w.by_type.push_back(t);
  std::sort(w.by_type.begin(), w.by_type.end(),
            [](const WeightTypeTotal& a, const WeightTypeTotal& b) { return a.bytes > b.bytes; });
}

// The shape one TP rank holds of tensor `t` (rows/cols cut per its split).
TensorGroup shard_shape(const TensorGroup& t, const ModelConfig& c, u64 tp, bool vllm_layout) {
  TensorGroup s = t;
  // A vector's single dimension is `cols`; a matrix's output dimension is `rows`.
  u64& out_dim = t.matrix ? s.rows : s.cols;
  switch (t.split) {
    case TpSplit::replicated:
      break;
    case TpSplit::column:
      out_dim = ceil_div(out_dim, tp);
      break;
    case TpSplit::row:
      if (t.matrix) s.cols = ceil_div(s.cols, tp);
      break;
    case TpSplit::vocab: {
      const u64 vocab = vllm_layout ? ceil_div(out_dim, 64) * 64 : out_dim;  // pad_vocab_size(V, 64)
      out_dim = ceil_div(vocab, tp);
      break;
    }
    case TpSplit::kv_heads: {
      const u64 heads = c.num_key_value_heads ? c.num_key_value_heads : 1;
      if (out_dim % heads == 0) out_dim = out_dim / heads * kv_heads_per_rank(c, tp);
      break;
    }
  }
  return s;
}

u64 rank_bytes(const WeightsEstimate& w, const ModelConfig& c, std::size_t i, u64 tp, bool vllm_layout) {
  const TensorGroup& t = w.tensors[i];
  if (t.split == TpSplit::replicated || (tp == 1 && (t.split != TpSplit::vocab || !vllm_layout)))
    return w.stored[i].bytes;
  const TensorGroup s = shard_shape(t, c, tp, vllm_layout);
  if (!t.stored_dtype.empty()) {
    // Checkpoint tensor: its stored bytes times the fraction of elements kept.
    const double whole = static_cast<double>(t.rows) * static_cast<double>(t.cols);
    const double kept = static_cast<double>(s.rows) * static_cast<double>(s.cols);
    return whole > 0 ? static_cast<u64>(std::llround(static_cast<double>(w.stored[i].bytes) * kept / whole)) : 0;
  }
  return stored_tensor(w.precision, c, s).bytes;
}

}  // namespace

WeightsEstimate weights_from_config(const ModelConfig& config, const WeightPrecision& precision) {
  WeightsEstimate w;
  w.precision = precision;
  w.source_kind = "config";
  w.source = "computed from config.json shapes at " + precision.name + " (" + precision.source + ")";
  w.tensors = tensor_inventory(config);
  w.stored.reserve(w.tensors.size());
  for (const TensorGroup& t : w.tensors) w.stored.push_back(stored_tensor(precision, config, t));
  summarize(w);
  if (config.vision && !config.vision->counted)
    w.notes.push_back("the vision tower (" + config.vision->model_type + ") is not counted");
  return w;
}

WeightsEstimate weights_from_checkpoint(const ModelConfig& config, const Checkpoint& checkpoint,
                                        const WeightPrecision& precision, std::string source_kind,
                                        std::string source) {
  WeightsEstimate w;
  w.precision = precision;
  w.source_kind = std::move(source_kind);
  w.source = std::move(source);
  w.tensors = checkpoint_inventory(config, checkpoint, w.notes);
  w.stored.reserve(w.tensors.size());
  for (const TensorGroup& t : w.tensors) w.stored.push_back(stored_tensor(precision, config, t));
  summarize(w);
  return w;
}

std::vector<u64> weight_bytes_per_stage(const WeightsEstimate& w, const ModelConfig& c, u64 tp, u64 pp,
                                        bool vllm_layout) {
  const std::vector<PipelineStage> stages = pipeline_stages(c.num_hidden_layers, pp);
  std::vector<u64> bytes(pp, 0);
  const auto stage_of = [&](const TensorGroup& t) -> u64 {
    if (t.layer >= 0) {
      for (u64 s = 0; s < pp; ++s)
        if (static_cast<u64>(t.layer) < stages[s].first + stages[s].count) return s;
      return pp - 1;
    }
    // Outside the layers: the embedding (and a vision tower) on the first
    // stage, the final norm and lm_head on the last (vLLM PPMissingLayer).
    const bool last = t.role == TensorRole::lm_head || (t.role == TensorRole::norm && t.name == "model.norm.weight");
    return last ? pp - 1 : 0;
  };
  for (std::size_t i = 0; i < w.tensors.size(); ++i) {
    const u64 b = rank_bytes(w, c, i, tp, vllm_layout);
    bytes[stage_of(w.tensors[i])] += b;
    // Tied embeddings with pp > 1: the last stage loads its own lm_head copy.
    if (vllm_layout && pp > 1 && c.tie_word_embeddings && w.tensors[i].role == TensorRole::embedding)
      bytes[pp - 1] += b;
  }
  return bytes;
}

}  // namespace llmctl
