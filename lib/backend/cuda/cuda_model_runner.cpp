#include "backend/cuda/cuda_model_runner.hpp"

#include "backend/cpu/ops.hpp"
#include "check.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace llmctl::cuda {

namespace {

// fp32 -> bf16 bits, round to nearest even (torch's .to(bfloat16)); NaN stays NaN.
bf16_t to_bf16(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<bf16_t>((bits >> 16) | 0x40u);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<bf16_t>(bits >> 16);
}

std::size_t align16(std::size_t n) { return (n + 15) & ~std::size_t{15}; }

}  // namespace

CudaModelRunner::CudaModelRunner(const ModelConfig& config, const ModelWeights& weights,
                                 const CudaRunnerOptions& options, CudaMemoryReport* report)
    : config_(config), options_(options), ctx_(options.device), gemm_(ctx_) {
  (void)expected_tensors(config_);  // rejects what this backend cannot run (as the CPU runner)
  hidden_ = static_cast<std::int64_t>(config_.hidden_size);
  heads_ = static_cast<std::int64_t>(config_.num_attention_heads);
  kv_heads_ = static_cast<std::int64_t>(config_.num_key_value_heads);
  head_dim_ = static_cast<std::int64_t>(config_.head_dim);
  inter_ = static_cast<std::int64_t>(config_.intermediate_size);
  vocab_ = static_cast<std::int64_t>(config_.vocab_size);
  qkv_dim_ = (heads_ + 2 * kv_heads_) * head_dim_;
  eps_ = static_cast<float>(config_.rms_norm_eps);
  if (kv_heads_ <= 0 || heads_ % kv_heads_ != 0)
    throw usage_error(fmt::format("num_attention_heads {} is not a multiple of num_key_value_heads {}", heads_,
                                  kv_heads_));
  if (head_dim_ % 2 != 0 || head_dim_ > 256)
    throw usage_error(fmt::format("the CUDA backend supports even head_dim up to 256 (got {})", head_dim_));
  if (options_.block_size <= 0 || options_.max_num_seqs <= 0 || options_.max_model_len <= 0 ||
      options_.max_num_batched_tokens <= 0)
    throw usage_error("CUDA runner: block size, max_num_seqs, max_model_len and max_num_batched_tokens must be > 0");
  max_seqs_ = std::min<std::int64_t>(options_.max_num_seqs, 65535);
  max_tokens_ = std::max(options_.max_num_batched_tokens, max_seqs_);
  max_blocks_per_seq_ = (options_.max_model_len + options_.block_size - 1) / options_.block_size;
  max_partitions_ = (options_.max_model_len + kDecodePartition - 1) / kDecodePartition;
  max_tiles_ = max_tokens_ / kPrefillTileQ + max_seqs_ + 1;

  std::size_t free0 = 0, total = 0;
  ctx_.memory_info(free0, total);
  report_.total_bytes = static_cast<std::int64_t>(total);
  report_.free_at_start = static_cast<std::int64_t>(free0);
  upload_weights(weights);
  plan_memory(report);
}

CudaModelRunner::~CudaModelRunner() { destroy_graphs(); }

void CudaModelRunner::upload_weights(const ModelWeights& weights) {
  // One arena: every tensor bf16, q/k/v and gate/up concatenated along rows.
  std::vector<bf16_t> host;
  std::vector<std::size_t> offsets;  // element offsets, in the order pushed
  auto push = [&](std::initializer_list<const WeightTensor*> parts) {
    offsets.push_back(host.size());
    for (const WeightTensor* t : parts) {
      if (t->dtype == WeightDtype::bfloat16)  // held as bf16 already (the CPU backend's bf16 path)
        host.insert(host.end(), t->bf16.begin(), t->bf16.end());
      else
        for (float v : t->data) host.push_back(to_bf16(v));
    }
    host.resize((host.size() + 7) & ~std::size_t{7});  // 16-byte alignment of the next tensor
    return offsets.size() - 1;
  };
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  auto opt = [&](const std::string& name) { return weights.contains(name) ? push({&weights.get(name)}) : kNone; };
  struct Idx {
    std::size_t in, post, qkv, qb, kb, vb, qn, kn, o, gu, down;
  };
  std::vector<Idx> idx;
  const std::size_t embed = push({&weights.get("model.embed_tokens.weight")});
  const std::size_t norm = push({&weights.get("model.norm.weight")});
  const bool tied = &weights.lm_head() == &weights.get("model.embed_tokens.weight");
  const std::size_t head = tied ? embed : push({&weights.lm_head()});
  for (std::uint64_t l = 0; l < config_.num_hidden_layers; ++l) {
    const std::string p = fmt::format("model.layers.{}.", l);
    auto get = [&](const char* n) { return &weights.get(p + n); };
    Idx i{};
    i.in = push({get("input_layernorm.weight")});
    i.post = push({get("post_attention_layernorm.weight")});
    i.qkv = push({get("self_attn.q_proj.weight"), get("self_attn.k_proj.weight"), get("self_attn.v_proj.weight")});
    i.qb = opt(p + "self_attn.q_proj.bias");
    i.kb = opt(p + "self_attn.k_proj.bias");
    i.vb = opt(p + "self_attn.v_proj.bias");
    i.qn = opt(p + "self_attn.q_norm.weight");
    i.kn = opt(p + "self_attn.k_norm.weight");
    i.o = push({get("self_attn.o_proj.weight")});
    i.gu = push({get("mlp.gate_proj.weight"), get("mlp.up_proj.weight")});
    i.down = push({get("mlp.down_proj.weight")});
    idx.push_back(i);
  }
  weights_ = DeviceBuffer(host.size() * sizeof(bf16_t));
  LLMCTL_CUDA_CHECK(cudaMemcpy(weights_.data(), host.data(), weights_.bytes(), cudaMemcpyHostToDevice));
  const bf16_t* base = weights_.as<bf16_t>();
  auto at = [&](std::size_t i) -> const bf16_t* { return i == kNone ? nullptr : base + offsets[i]; };
  embed_ = at(embed);
  final_norm_ = at(norm);
  lm_head_ = at(head);
  for (const Idx& i : idx)
    layers_.push_back(Layer{at(i.in), at(i.post), at(i.qkv), at(i.qb), at(i.kb), at(i.vb), at(i.qn), at(i.kn),
                            at(i.o), at(i.gu), at(i.down)});
  const std::vector<float> inv_freq = backend::cpu::rope_inv_freq(config_);  // one definition with the CPU
  inv_freq_ = DeviceBuffer(inv_freq.size() * sizeof(float));
  LLMCTL_CUDA_CHECK(cudaMemcpy(inv_freq_.data(), inv_freq.data(), inv_freq_.bytes(), cudaMemcpyHostToDevice));
  report_.weight_bytes = static_cast<std::int64_t>(weights_.bytes());
}

void CudaModelRunner::allocate_activations() {
  const auto T = static_cast<std::size_t>(max_tokens_), S = static_cast<std::size_t>(max_seqs_);
  const auto H = static_cast<std::size_t>(hidden_), I = static_cast<std::size_t>(inter_);
  const auto V = static_cast<std::size_t>(vocab_), b = sizeof(bf16_t);
  residual_ = DeviceBuffer(T * H * sizeof(float));
  normed_ = DeviceBuffer(T * H * b);
  qkv_ = DeviceBuffer(T * static_cast<std::size_t>(qkv_dim_) * b);
  q_ = DeviceBuffer(T * static_cast<std::size_t>(heads_ * head_dim_) * b);
  attn_ = DeviceBuffer(q_.bytes());
  proj_ = DeviceBuffer(T * H * b);
  gate_up_ = DeviceBuffer(T * 2 * I * b);
  act_ = DeviceBuffer(T * I * b);
  rows_ = DeviceBuffer(S * H * b);
  logits_ = DeviceBuffer(S * V * sizeof(float));
  decode_scratch_ = DeviceBuffer(
      static_cast<std::size_t>(decode_scratch_floats(max_seqs_, heads_, head_dim_, max_partitions_)) * sizeof(float));
  MetaLayout& m = meta_layout_;
  std::size_t at = 0;
  auto take = [&](std::size_t bytes) { const std::size_t o = at; at = align16(at + bytes); return o; };
  m.ids = take(T * 4);
  m.positions = take(T * 4);
  m.slots = take(T * 8);
  m.query_start = take((S + 1) * 4);
  m.seq_lens = take(S * 4);
  m.logits_idx = take(S * 4);
  m.tile_seq = take(static_cast<std::size_t>(max_tiles_) * 4);
  m.tile_start = take(static_cast<std::size_t>(max_tiles_) * 4);
  m.tables = take(S * static_cast<std::size_t>(max_blocks_per_seq_) * 4);
  m.bytes = at;
  meta_ = DeviceBuffer(m.bytes);
  meta_host_ = PinnedBuffer(m.bytes);
  sample_work_ = DeviceBuffer(S * V * sizeof(float));
  sample_params_ = DeviceBuffer(S * sizeof(SampleRowParams));
  sample_results_ = DeviceBuffer(S * sizeof(SampleRowResult));
}

void CudaModelRunner::allocate_kv(std::int64_t num_blocks) {
  kv_.reset();
  num_blocks_ = num_blocks;
  const auto per_layer = static_cast<std::size_t>(num_blocks * options_.block_size * kv_heads_ * head_dim_);
  kv_ = DeviceBuffer(2 * layers_.size() * per_layer * sizeof(bf16_t));
  // Zeros: padding rows of a graph replay read nothing, but a stale NaN must never meet a zero weight.
  LLMCTL_CUDA_CHECK(cudaMemsetAsync(kv_.data(), 0, kv_.bytes(), ctx_.stream()));
}

std::int64_t CudaModelRunner::upload_batch(const engine::ModelBatch& b, std::int64_t padded_seqs) {
  const std::int64_t T = b.num_tokens(), S = b.num_seqs(), R = static_cast<std::int64_t>(b.logits_indices.size());
  if (b.block_size != options_.block_size)
    throw std::logic_error(fmt::format("CudaModelRunner: batch block size {} != cache block size {}", b.block_size,
                                       options_.block_size));
  const std::int64_t seqs = std::max(S, padded_seqs), tokens = padded_seqs > 0 ? seqs : T;
  if (tokens > max_tokens_ || seqs > max_seqs_ || R > max_seqs_)
    throw std::logic_error(fmt::format("CudaModelRunner: a step of {} tokens / {} sequences exceeds the buffers "
                                       "({} / {})", T, S, max_tokens_, max_seqs_));
  const MetaLayout& m = meta_layout_;
  auto* base = meta_host_.as<unsigned char>();
  auto* ids = reinterpret_cast<std::int32_t*>(base + m.ids);
  auto* pos = reinterpret_cast<std::int32_t*>(base + m.positions);
  auto* slots = reinterpret_cast<std::int64_t*>(base + m.slots);
  auto* qs = reinterpret_cast<std::int32_t*>(base + m.query_start);
  auto* lens = reinterpret_cast<std::int32_t*>(base + m.seq_lens);
  auto* li = reinterpret_cast<std::int32_t*>(base + m.logits_idx);
  auto* ts = reinterpret_cast<std::int32_t*>(base + m.tile_seq);
  auto* tst = reinterpret_cast<std::int32_t*>(base + m.tile_start);
  auto* tables = reinterpret_cast<std::int32_t*>(base + m.tables);
  const std::int64_t num_slots = num_blocks_ * options_.block_size;
  for (std::int64_t t = 0; t < tokens; ++t) {
    const bool real = t < T;
    const auto i = static_cast<std::size_t>(t);
    if (real && (b.token_ids[i] < 0 || b.token_ids[i] >= vocab_))
      throw runtime_error(fmt::format("token id {} is outside the vocabulary (size {})", b.token_ids[i], vocab_));
    if (real && (b.slot_mapping[i] < 0 || b.slot_mapping[i] >= num_slots))
      throw runtime_error(fmt::format("KV slot {} is outside the cache ({} slots)", b.slot_mapping[i], num_slots));
    ids[t] = real ? b.token_ids[i] : 0;
    pos[t] = real ? b.positions[i] : 0;
    slots[t] = real ? b.slot_mapping[i] : -1;
  }
  std::int64_t tiles = 0;
  for (std::int64_t s = 0; s <= seqs; ++s) qs[s] = s <= S ? b.query_start[static_cast<std::size_t>(s)]
                                                          : static_cast<std::int32_t>(T + (s - S));
  for (std::int64_t s = 0; s < seqs; ++s) {
    const bool real = s < S;
    lens[s] = real ? b.seq_lens[static_cast<std::size_t>(s)] : 0;
    std::int32_t* row = tables + s * max_blocks_per_seq_;
    if (real) {
      const auto& bt = b.block_tables[static_cast<std::size_t>(s)];
      if (static_cast<std::int64_t>(bt.size()) > max_blocks_per_seq_)
        throw std::logic_error("CudaModelRunner: a block table is longer than max_model_len allows");
      for (std::size_t k = 0; k < bt.size(); ++k) {
        if (bt[k] < 0 || bt[k] >= num_blocks_) throw runtime_error(fmt::format("KV block {} is outside the cache", bt[k]));
        row[k] = bt[k];
      }
      for (std::int32_t t0 = qs[s]; t0 < qs[s + 1]; t0 += static_cast<std::int32_t>(kPrefillTileQ)) {
        ts[tiles] = static_cast<std::int32_t>(s);
        tst[tiles++] = t0;
      }
    } else {
      row[0] = 0;  // never read (seq_len 0), but defined
    }
  }
  for (std::int64_t r = 0; r < std::max(R, padded_seqs); ++r)
    li[r] = r < R ? b.logits_indices[static_cast<std::size_t>(r)] : static_cast<std::int32_t>(r);
  const std::size_t bytes = m.tables + static_cast<std::size_t>(seqs * max_blocks_per_seq_) * 4;
  LLMCTL_CUDA_CHECK(cudaMemcpyAsync(meta_.data(), meta_host_.data(), bytes, cudaMemcpyHostToDevice, ctx_.stream()));
  return tiles;
}

void CudaModelRunner::run_forward(std::int64_t T, std::int64_t S, std::int64_t R, bool decode, std::int64_t tiles,
                                  std::int64_t partitions) {
  const cudaStream_t st = ctx_.stream();
  auto* meta = meta_.as<unsigned char>();
  const MetaLayout& m = meta_layout_;
  const auto* ids = reinterpret_cast<const std::int32_t*>(meta + m.ids);
  const auto* pos = reinterpret_cast<const std::int32_t*>(meta + m.positions);
  const auto* slots = reinterpret_cast<const std::int64_t*>(meta + m.slots);
  const auto* qs = reinterpret_cast<const std::int32_t*>(meta + m.query_start);
  const auto* lens = reinterpret_cast<const std::int32_t*>(meta + m.seq_lens);
  const auto* li = reinterpret_cast<const std::int32_t*>(meta + m.logits_idx);
  const auto* ts = reinterpret_cast<const std::int32_t*>(meta + m.tile_seq);
  const auto* tst = reinterpret_cast<const std::int32_t*>(meta + m.tile_start);
  const auto* tables = reinterpret_cast<const std::int32_t*>(meta + m.tables);
  float* residual = residual_.as<float>();
  bf16_t *normed = normed_.as<bf16_t>(), *proj = proj_.as<bf16_t>();
  const std::int64_t layer_elems = num_blocks_ * options_.block_size * kv_heads_ * head_dim_;
  QkvLayout layout;
  layout.tokens = T;
  layout.heads = heads_;
  layout.kv_heads = kv_heads_;
  layout.head_dim = head_dim_;

  launch_embedding(ids, T, embed_, vocab_, hidden_, residual, st);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& L = layers_[l];
    bf16_t* kc = kv_.as<bf16_t>() + static_cast<std::int64_t>(2 * l) * layer_elems;
    bf16_t* vc = kc + layer_elems;
    // x += previous layer's MLP output (none before layer 0); a = rms_norm(x).
    launch_add_rms_norm(residual, l == 0 ? nullptr : proj, L.input_norm, T, hidden_, eps_, normed, st);
    gemm_.linear(normed, T, hidden_, L.qkv, qkv_dim_, qkv_.data(), GemmOut::bf16);
    launch_qk_norm_rope_kv(qkv_.as<bf16_t>(), q_.as<bf16_t>(), layout, L.q_bias, L.k_bias, L.v_bias, L.q_norm,
                           L.k_norm, eps_, inv_freq_.as<float>(), pos, slots, kc, vc, st);
    PagedKv kv;
    kv.k = kc;
    kv.v = vc;
    kv.kv_heads = kv_heads_;
    kv.head_dim = head_dim_;
    kv.block_size = options_.block_size;
    kv.block_tables = tables;
    kv.max_blocks_per_seq = max_blocks_per_seq_;
    if (decode)
      launch_attention_decode(q_.as<bf16_t>(), S, heads_, kv, lens, partitions, decode_scratch_.as<float>(),
                              attn_.as<bf16_t>(), st);
    else
      launch_attention_prefill(q_.as<bf16_t>(), heads_, kv, pos, qs, ts, tst, tiles, attn_.as<bf16_t>(), st);
    gemm_.linear(attn_.as<bf16_t>(), T, heads_ * head_dim_, L.o, hidden_, proj, GemmOut::bf16);
    launch_add_rms_norm(residual, proj, L.post_norm, T, hidden_, eps_, normed, st);
    gemm_.linear(normed, T, hidden_, L.gate_up, 2 * inter_, gate_up_.data(), GemmOut::bf16);
    launch_silu_mul(gate_up_.as<bf16_t>(), T, inter_, act_.as<bf16_t>(), st);
    gemm_.linear(act_.as<bf16_t>(), T, inter_, L.down, hidden_, proj, GemmOut::bf16);
  }
  launch_add_rms_norm(residual, proj, final_norm_, T, hidden_, eps_, normed, st);
  launch_gather_rows(normed, li, R, hidden_, rows_.as<bf16_t>(), st);
  gemm_.linear(rows_.as<bf16_t>(), R, hidden_, lm_head_, vocab_, logits_.data(), GemmOut::fp32);
}

void CudaModelRunner::forward_device(const engine::ModelBatch& b) {
  const std::int64_t S = b.num_seqs(), T = b.num_tokens(), R = static_cast<std::int64_t>(b.logits_indices.size());
  bool decode = T == S && R == S && S > 0;
  for (std::int64_t s = 0; decode && s < S; ++s)
    decode = b.query_start[static_cast<std::size_t>(s)] == s && b.logits_indices[static_cast<std::size_t>(s)] == s &&
             b.seq_lens[static_cast<std::size_t>(s)] == b.positions[static_cast<std::size_t>(s)] + 1;
  if (decode && !graphs_.empty()) {
    auto it = graphs_.lower_bound(S);
    if (it != graphs_.end()) {
      upload_batch(b, it->first);
      LLMCTL_CUDA_CHECK(cudaGraphLaunch(it->second.exec, ctx_.stream()));
      last_rows_ = R;
      return;
    }
  }
  const std::int64_t tiles = upload_batch(b, 0);
  std::int64_t longest = 1;
  for (std::int32_t len : b.seq_lens) longest = std::max<std::int64_t>(longest, len);
  run_forward(T, S, R, decode, tiles, (longest + kDecodePartition - 1) / kDecodePartition);
  last_rows_ = R;
}

void CudaModelRunner::execute(const engine::SchedulerOutput&, const engine::ModelBatch& batch, engine::Logits& out) {
  // No runner-side sequence state: preempted / finished / new sequences need nothing here.
  if (options_.device_sampling) {
    forward_device(batch);
    out.resize(0, vocab_);
    return;
  }
  forward(batch, out);
}

void CudaModelRunner::forward(const engine::ModelBatch& batch, engine::Logits& out) {
  forward_device(batch);
  out.resize(last_rows_, vocab_);
  LLMCTL_CUDA_CHECK(cudaMemcpyAsync(out.values.data(), logits_.data(),
                                    static_cast<std::size_t>(last_rows_ * vocab_) * sizeof(float),
                                    cudaMemcpyDeviceToHost, ctx_.stream()));
  ctx_.synchronize();
}

void CudaModelRunner::capture_graphs() {
  destroy_graphs();
  if (!options_.cuda_graphs) return;
  std::vector<std::int64_t> sizes;
  for (std::int64_t bs = 1; bs < max_seqs_; bs *= 2) sizes.push_back(bs);
  sizes.push_back(max_seqs_);
  ctx_.synchronize();
  for (std::int64_t bs : sizes) {
    // Warm the GEMM plans (heuristic queries are host calls, fine during capture, but keep capture lean).
    Graph g;
    LLMCTL_CUDA_CHECK(cudaStreamBeginCapture(ctx_.stream(), cudaStreamCaptureModeThreadLocal));
    try {
      run_forward(bs, bs, bs, true, 0, max_partitions_);
    } catch (...) {
      cudaGraph_t broken = nullptr;
      cudaStreamEndCapture(ctx_.stream(), &broken);
      if (broken) cudaGraphDestroy(broken);
      throw;
    }
    LLMCTL_CUDA_CHECK(cudaStreamEndCapture(ctx_.stream(), &g.graph));
    LLMCTL_CUDA_CHECK(cudaGraphInstantiate(&g.exec, g.graph, 0));
    graphs_[bs] = g;
  }
  for (auto& [bs, g] : graphs_) LLMCTL_CUDA_CHECK(cudaGraphUpload(g.exec, ctx_.stream()));
  ctx_.synchronize();
}

void CudaModelRunner::destroy_graphs() {
  for (auto& [bs, g] : graphs_) {
    if (g.exec) cudaGraphExecDestroy(g.exec);
    if (g.graph) cudaGraphDestroy(g.graph);
  }
  graphs_.clear();
}

engine::ModelBatch CudaModelRunner::dummy_batch(std::int64_t tokens) const {
  // One sequence of `tokens` tokens in blocks 0, 1, ...: the profile step.
  engine::ModelBatch b;
  b.block_size = options_.block_size;
  for (std::int64_t t = 0; t < tokens; ++t) {
    b.token_ids.push_back(static_cast<engine::TokenId>(t % vocab_));
    b.positions.push_back(static_cast<std::int32_t>(t));
    b.slot_mapping.push_back(t);
  }
  b.query_start = {0, static_cast<std::int32_t>(tokens)};
  b.seq_lens = {static_cast<std::int32_t>(tokens)};
  std::vector<engine::BlockId> table;
  for (std::int64_t k = 0; k * options_.block_size < tokens; ++k) table.push_back(static_cast<engine::BlockId>(k));
  b.block_tables = {table};
  b.logits_indices = {static_cast<std::int32_t>(tokens - 1)};
  return b;
}

}  // namespace llmctl::cuda
