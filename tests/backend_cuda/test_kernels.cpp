// Kernel parity, GPU versus the CPU backend's reference functions, as a table
// of cases (op, shapes, dtype, tolerance) in the style of llama.cpp's
// test-backend-ops. Inputs are bf16-representable so both sides see the same
// numbers; the tolerance covers the bf16 rounding of the GPU's output
// (2^-8 relative) and fp32 summation order.
#include "backend/cpu/attention.hpp"
#include "backend/cpu/ops.hpp"
#include "backend/cuda/gemm.hpp"
#include "engine/sampler.hpp"
#include "kernel_harness.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <string>

using namespace llmctl;
using namespace llmctl::cuda;
using namespace llmctl::cuda::test;

namespace {

struct Case {
  std::string op, shape, dtype;
  double tolerance;
  std::function<double(CudaContext&)> run;  // returns the error measure
};

double embedding_case(CudaContext& ctx, std::int64_t vocab, std::int64_t dim) {
  std::mt19937 rng(1);
  auto table = random_bf16(static_cast<std::size_t>(vocab * dim), 1.0f, rng);
  std::vector<std::int32_t> ids = {0, 5, static_cast<std::int32_t>(vocab - 1), 7, 5};
  std::vector<float> want(ids.size() * static_cast<std::size_t>(dim));
  backend::cpu::embedding(backend::cpu::select_kernels(), ids, backend::cpu::WeightView{table.data(), nullptr}, vocab, dim, want.data());
  auto d_table = upload_bf16(table);
  auto d_ids = upload(ids);
  DeviceBuffer out(want.size() * 4);
  launch_embedding(d_ids.as<std::int32_t>(), static_cast<std::int64_t>(ids.size()), d_table.as<bf16_t>(), vocab, dim,
                   out.as<float>(), ctx.stream());
  ctx.synchronize();
  return rel_error(download<float>(out, want.size()), want);
}

double add_rms_norm_case(CudaContext& ctx, std::int64_t rows, std::int64_t dim) {
  std::mt19937 rng(2);
  auto x = random_bf16(static_cast<std::size_t>(rows * dim), 2.0f, rng);
  auto add = random_bf16(x.size(), 2.0f, rng);
  auto w = random_bf16(static_cast<std::size_t>(dim), 1.5f, rng);
  std::vector<float> sum(x.size()), want(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) sum[i] = x[i] + add[i];
  backend::cpu::rms_norm(sum.data(), rows, dim, w.data(), 1e-6, want.data());
  auto d_res = upload(x);
  auto d_add = upload_bf16(add);
  auto d_w = upload_bf16(w);
  DeviceBuffer out(x.size() * 2);
  launch_add_rms_norm(d_res.as<float>(), d_add.as<bf16_t>(), d_w.as<bf16_t>(), rows, dim, 1e-6f, out.as<bf16_t>(),
                      ctx.stream());
  ctx.synchronize();
  return std::max(rel_error(download_bf16(out, x.size()), want), rel_error(download<float>(d_res, x.size()), sum));
}

double silu_mul_case(CudaContext& ctx, std::int64_t tokens, std::int64_t inter) {
  std::mt19937 rng(3);
  auto gu = random_bf16(static_cast<std::size_t>(tokens * 2 * inter), 4.0f, rng);
  std::vector<float> gate(static_cast<std::size_t>(tokens * inter)), up(gate.size());
  for (std::int64_t t = 0; t < tokens; ++t)
    for (std::int64_t i = 0; i < inter; ++i) {
      gate[static_cast<std::size_t>(t * inter + i)] = gu[static_cast<std::size_t>(t * 2 * inter + i)];
      up[static_cast<std::size_t>(t * inter + i)] = gu[static_cast<std::size_t>(t * 2 * inter + inter + i)];
    }
  backend::cpu::silu_mul(gate.data(), up.data(), static_cast<std::int64_t>(gate.size()));
  auto d_gu = upload_bf16(gu);
  DeviceBuffer out(gate.size() * 2);
  launch_silu_mul(d_gu.as<bf16_t>(), tokens, inter, out.as<bf16_t>(), ctx.stream());
  ctx.synchronize();
  return rel_error(download_bf16(out, gate.size()), gate);
}

// A mixed batch: sequence i has `cached[i]` tokens in the cache and computes `chunk[i]` more.
engine::ModelBatch mixed_batch(const std::vector<std::int32_t>& cached, const std::vector<std::int32_t>& chunk,
                               std::int64_t block_size) {
  engine::ModelBatch b;
  b.block_size = block_size;
  b.query_start.push_back(0);
  engine::BlockId next = 3;  // not starting at 0: tables are really followed
  for (std::size_t s = 0; s < cached.size(); ++s) {
    const std::int32_t len = cached[s] + chunk[s];
    std::vector<engine::BlockId> table;
    for (std::int32_t k = 0; k * block_size < len; ++k) table.push_back(next++);
    std::reverse(table.begin(), table.end());  // out of order on purpose
    for (std::int32_t p = cached[s]; p < len; ++p) {
      b.token_ids.push_back(1);
      b.positions.push_back(p);
      b.slot_mapping.push_back(table[static_cast<std::size_t>(p / block_size)] * block_size + p % block_size);
    }
    b.query_start.push_back(static_cast<std::int32_t>(b.token_ids.size()));
    b.seq_lens.push_back(len);
    b.block_tables.push_back(table);
    b.logits_indices.push_back(static_cast<std::int32_t>(b.token_ids.size()) - 1);
  }
  return b;
}

// write_kv + attention over a paged cache, GPU (prefill or decode kernel) vs backend::cpu::attend.
double attention_case(CudaContext& ctx, std::int64_t heads, std::int64_t kv_heads, std::int64_t d,
                      const std::vector<std::int32_t>& cached, const std::vector<std::int32_t>& chunk, bool decode) {
  std::mt19937 rng(4);
  const std::int64_t B = 16;
  const engine::ModelBatch b = mixed_batch(cached, chunk, B);
  std::int64_t blocks = 3;
  for (const auto& t : b.block_tables) blocks += static_cast<std::int64_t>(t.size());
  const std::int64_t slots = blocks * B, T = b.num_tokens(), S = b.num_seqs();
  // The whole cache random (the cached prefixes), then this step's K/V written at their slots.
  auto kc = random_bf16(static_cast<std::size_t>(slots * kv_heads * d), 1.0f, rng);
  auto vc = random_bf16(kc.size(), 1.0f, rng);
  auto q = random_bf16(static_cast<std::size_t>(T * heads * d), 1.0f, rng);
  std::vector<float> want(q.size());
  backend::cpu::KvLayerView view{kc.data(), vc.data(), slots, kv_heads, d};
  backend::cpu::attend(backend::cpu::select_kernels(), b, q.data(), heads, view, 0, want.data());
  const std::int64_t width = 64;
  std::vector<std::int32_t> tables(static_cast<std::size_t>(S * width), 0), tile_seq, tile_start;
  for (std::int64_t s = 0; s < S; ++s) {
    const auto& t = b.block_tables[static_cast<std::size_t>(s)];
    std::copy(t.begin(), t.end(), tables.begin() + s * width);
    for (std::int32_t t0 = b.query_start[static_cast<std::size_t>(s)]; t0 < b.query_start[static_cast<std::size_t>(s) + 1];
         t0 += static_cast<std::int32_t>(kPrefillTileQ)) {
      tile_seq.push_back(static_cast<std::int32_t>(s));
      tile_start.push_back(t0);
    }
  }
  auto d_k = upload_bf16(kc), d_v = upload_bf16(vc), d_q = upload_bf16(q);
  auto d_tables = upload(tables), d_pos = upload(b.positions), d_qs = upload(b.query_start);
  auto d_lens = upload(b.seq_lens), d_ts = upload(tile_seq), d_tst = upload(tile_start);
  DeviceBuffer out(q.size() * 2);
  PagedKv kv;
  kv.k = d_k.as<bf16_t>();
  kv.v = d_v.as<bf16_t>();
  kv.kv_heads = kv_heads;
  kv.head_dim = d;
  kv.block_size = B;
  kv.block_tables = d_tables.as<std::int32_t>();
  kv.max_blocks_per_seq = width;
  if (decode) {
    const std::int64_t parts = (width * B + kDecodePartition - 1) / kDecodePartition;
    DeviceBuffer scratch(static_cast<std::size_t>(decode_scratch_floats(S, heads, d, parts)) * 4);
    launch_attention_decode(d_q.as<bf16_t>(), S, heads, kv, d_lens.as<std::int32_t>(), parts, scratch.as<float>(),
                            out.as<bf16_t>(), ctx.stream());
    ctx.synchronize();
  } else {
    launch_attention_prefill(d_q.as<bf16_t>(), heads, kv, d_pos.as<std::int32_t>(), d_qs.as<std::int32_t>(),
                             d_ts.as<std::int32_t>(), d_tst.as<std::int32_t>(),
                             static_cast<std::int64_t>(tile_seq.size()), out.as<bf16_t>(), ctx.stream());
    ctx.synchronize();
  }
  return rel_error(download_bf16(out, q.size()), want);
}

double qk_norm_rope_kv_case(CudaContext& ctx, std::int64_t heads, std::int64_t kv_heads, std::int64_t d, bool norm,
                            bool bias) {
  std::mt19937 rng(5);
  const std::int64_t T = 9, slots = 64, W = (heads + 2 * kv_heads) * d;
  auto qkv = random_bf16(static_cast<std::size_t>(T * W), 2.0f, rng);
  auto qn = random_bf16(static_cast<std::size_t>(d), 1.5f, rng), kn = random_bf16(qn.size(), 1.5f, rng);
  auto qb = random_bf16(static_cast<std::size_t>(heads * d), 0.5f, rng);
  auto kb = random_bf16(static_cast<std::size_t>(kv_heads * d), 0.5f, rng), vb = random_bf16(kb.size(), 0.5f, rng);
  std::vector<std::int32_t> pos = {0, 1, 2, 17, 100, 1000, 4095, 30000, 5};
  std::vector<std::int64_t> slot = {3, 4, 5, 6, -1, 10, 11, 40, 63};
  ModelConfig config;
  config.head_dim = static_cast<std::uint64_t>(d);
  config.rope_theta = 1000000.0;
  const auto inv_freq = backend::cpu::rope_inv_freq(config);
  std::vector<float> q(static_cast<std::size_t>(T * heads * d)), k(static_cast<std::size_t>(T * kv_heads * d)),
      v(k.size());
  for (std::int64_t t = 0; t < T; ++t)
    for (std::int64_t j = 0; j < W; ++j) {
      float x = qkv[static_cast<std::size_t>(t * W + j)];
      const std::int64_t qd = heads * d, kd = kv_heads * d;
      if (j < qd) q[static_cast<std::size_t>(t * qd + j)] = x + (bias ? qb[static_cast<std::size_t>(j)] : 0.0f);
      else if (j < qd + kd) k[static_cast<std::size_t>(t * kd + j - qd)] = x + (bias ? kb[static_cast<std::size_t>(j - qd)] : 0.0f);
      else v[static_cast<std::size_t>(t * kd + j - qd - kd)] = x + (bias ? vb[static_cast<std::size_t>(j - qd - kd)] : 0.0f);
    }
  if (norm) {
    backend::cpu::rms_norm(q.data(), T * heads, d, qn.data(), 1e-6, q.data());
    backend::cpu::rms_norm(k.data(), T * kv_heads, d, kn.data(), 1e-6, k.data());
  }
  backend::cpu::apply_rope(q.data(), T, heads, d, pos, inv_freq);
  backend::cpu::apply_rope(k.data(), T, kv_heads, d, pos, inv_freq);
  std::vector<float> kc(static_cast<std::size_t>(slots * kv_heads * d), 0.0f), vc(kc.size(), 0.0f);
  for (std::int64_t t = 0; t < T; ++t) {
    if (slot[static_cast<std::size_t>(t)] < 0) continue;
    const auto row = kv_heads * d;
    std::copy_n(k.begin() + t * row, row, kc.begin() + slot[static_cast<std::size_t>(t)] * row);
    std::copy_n(v.begin() + t * row, row, vc.begin() + slot[static_cast<std::size_t>(t)] * row);
  }
  auto d_qkv = upload_bf16(qkv), d_qn = upload_bf16(qn), d_kn = upload_bf16(kn), d_qb = upload_bf16(qb),
       d_kb = upload_bf16(kb), d_vb = upload_bf16(vb), d_pos = upload(pos), d_slot = upload(slot),
       d_freq = upload(inv_freq), d_kc = upload_bf16(std::vector<float>(kc.size(), 0.0f)),
       d_vc = upload_bf16(std::vector<float>(kc.size(), 0.0f));
  DeviceBuffer d_q(q.size() * 2);
  QkvLayout layout;
  layout.tokens = T;
  layout.heads = heads;
  layout.kv_heads = kv_heads;
  layout.head_dim = d;
  launch_qk_norm_rope_kv(d_qkv.as<bf16_t>(), d_q.as<bf16_t>(), layout, bias ? d_qb.as<bf16_t>() : nullptr,
                         bias ? d_kb.as<bf16_t>() : nullptr, bias ? d_vb.as<bf16_t>() : nullptr,
                         norm ? d_qn.as<bf16_t>() : nullptr, norm ? d_kn.as<bf16_t>() : nullptr, 1e-6f,
                         d_freq.as<float>(), d_pos.as<std::int32_t>(), d_slot.as<std::int64_t>(), d_kc.as<bf16_t>(),
                         d_vc.as<bf16_t>(), ctx.stream());
  ctx.synchronize();
  return std::max({rel_error(download_bf16(d_q, q.size()), q), rel_error(download_bf16(d_kc, kc.size()), kc),
                   rel_error(download_bf16(d_vc, vc.size()), vc)});
}

double gemm_case(CudaContext& ctx, std::int64_t n, std::int64_t in, std::int64_t out, GemmOut type) {
  std::mt19937 rng(6);
  auto x = random_bf16(static_cast<std::size_t>(n * in), 1.0f, rng), w = random_bf16(static_cast<std::size_t>(out * in), 0.1f, rng);
  std::vector<float> want(static_cast<std::size_t>(n * out));
  backend::cpu::linear(backend::cpu::select_kernels(), x.data(), n, in, backend::cpu::WeightView{w.data(), nullptr},
                       nullptr, out, want.data());
  auto d_x = upload_bf16(x), d_w = upload_bf16(w);
  DeviceBuffer y(want.size() * 4);
  Gemm gemm(ctx);
  gemm.linear(d_x.as<bf16_t>(), n, in, d_w.as<bf16_t>(), out, y.data(), type);
  ctx.synchronize();
  return rel_error(type == GemmOut::fp32 ? download<float>(y, want.size()) : download_bf16(y, want.size()), want);
}

}  // namespace

TEST_CASE("kernels: parity with the CPU reference (table of cases)") {
  CudaContext ctx(0);
  const std::vector<Case> cases = {
      {"embedding", "vocab 1000, dim 256", "bf16->f32", 0.0, [](CudaContext& c) { return embedding_case(c, 1000, 256); }},
      {"add_rms_norm", "7 x 1024", "f32+bf16->bf16", 8e-3, [](CudaContext& c) { return add_rms_norm_case(c, 7, 1024); }},
      {"add_rms_norm", "3 x 4096", "f32+bf16->bf16", 8e-3, [](CudaContext& c) { return add_rms_norm_case(c, 3, 4096); }},
      {"add_rms_norm", "5 x 64", "f32+bf16->bf16", 8e-3, [](CudaContext& c) { return add_rms_norm_case(c, 5, 64); }},
      {"silu_mul", "5 x 3000", "bf16", 8e-3, [](CudaContext& c) { return silu_mul_case(c, 5, 3000); }},
      {"qk_norm_rope_kv", "H 16, Hkv 8, d 128, qwen3 norm", "bf16", 1e-2,
       [](CudaContext& c) { return qk_norm_rope_kv_case(c, 16, 8, 128, true, false); }},
      {"qk_norm_rope_kv", "H 4, Hkv 2, d 16, bias", "bf16", 1e-2,
       [](CudaContext& c) { return qk_norm_rope_kv_case(c, 4, 2, 16, false, true); }},
      {"qk_norm_rope_kv", "H 8, Hkv 1, d 256", "bf16", 1e-2,
       [](CudaContext& c) { return qk_norm_rope_kv_case(c, 8, 1, 256, true, true); }},
      {"attention_prefill", "H 16, Hkv 8, d 128, mixed chunks", "bf16", 1e-2,
       [](CudaContext& c) { return attention_case(c, 16, 8, 128, {0, 30, 7, 100}, {37, 1, 20, 16}, false); }},
      {"attention_prefill", "H 4, Hkv 2, d 16", "bf16", 1e-2,
       [](CudaContext& c) { return attention_case(c, 4, 2, 16, {0, 5}, {59, 3}, false); }},
      {"attention_prefill", "H 8, Hkv 2, d 256", "bf16", 1e-2,
       [](CudaContext& c) { return attention_case(c, 8, 2, 256, {16, 0}, {40, 33}, false); }},
      {"attention_decode", "H 16, Hkv 8, d 128, 1..1000 keys", "bf16", 1e-2,
       [](CudaContext& c) { return attention_case(c, 16, 8, 128, {0, 15, 511, 512, 999}, {1, 1, 1, 1, 1}, true); }},
      {"attention_decode", "H 4, Hkv 2, d 16", "bf16", 1e-2,
       [](CudaContext& c) { return attention_case(c, 4, 2, 16, {3, 700}, {1, 1}, true); }},
      {"gemm", "33 x 512 -> 768", "bf16", 1e-2,
       [](CudaContext& c) { return gemm_case(c, 33, 512, 768, GemmOut::bf16); }},
      {"gemm", "1 x 1024 -> 5000 (logits)", "bf16->f32", 1e-3,
       [](CudaContext& c) { return gemm_case(c, 1, 1024, 5000, GemmOut::fp32); }},
  };
  for (const Case& k : cases) {
    CAPTURE(k.op);
    CAPTURE(k.shape);
    CAPTURE(k.dtype);
    const double err = k.run(ctx);
    MESSAGE(fmt::format("{:<18} {:<36} {:<15} err {:.2e} (tol {:.0e})", k.op, k.shape, k.dtype, err, k.tolerance));
    CHECK(err <= k.tolerance);
  }
}
