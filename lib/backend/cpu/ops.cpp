#include "backend/cpu/ops.hpp"

#include "util/error.hpp"

#include <cblas.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace llmctl::backend::cpu {

WeightView weight_view(const WeightTensor& t) {
  WeightView v;
  if (t.dtype == WeightDtype::bfloat16)
    v.bf16 = t.bf16.data();
  else
    v.f32 = t.data.data();
  return v;
}

void blas_single_thread() {
  using SetThreads = void (*)(int);
  if (auto* set = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
}

namespace {

// Thread `t` of `nt`'s share of [0, out), in multiples of 16 rows.
std::pair<std::int64_t, std::int64_t> share(std::int64_t out, int t, int nt) {
  const std::int64_t per = ((out + nt - 1) / nt + 15) / 16 * 16;
  return {std::min(out, t * per), std::min(out, (t + 1) * per)};
}

void sgemm_nt(const float* x, std::int64_t n, std::int64_t in, const float* w, std::int64_t cols, float* y,
              std::int64_t ldy) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), static_cast<int>(cols),
              static_cast<int>(in), 1.0f, x, static_cast<int>(in), w, static_cast<int>(in), 0.0f, y,
              static_cast<int>(ldy));
}

}  // namespace

void linear(const Kernels& k, const float* x, std::int64_t n, std::int64_t in, WeightView w, const float* bias,
            std::int64_t out, float* y) {
  if (n == 0) return;
  if (n <= kGemvMaxRows) {
    // bf16 x bf16 dot products when the CPU has them: round x once.
    std::vector<std::uint16_t> xb;
    if (w.bf16 && k.gemv_bf16_dp) {
      xb.resize(static_cast<std::size_t>(n * in));
      k.round_bf16(x, xb.data(), n * in);
    }
    constexpr std::int64_t chunk = 16;  // output rows per work item
    const std::int64_t items = (out + chunk - 1) / chunk;
#pragma omp parallel for schedule(dynamic, 4) if (items > 1)
    for (std::int64_t i = 0; i < items; ++i) {
      const std::int64_t o0 = i * chunk, o1 = std::min(out, o0 + chunk);
      if (w.f32)
        k.gemv_f32(x, n, in, w.f32, o0, o1, y, out);
      else if (!xb.empty())
        k.gemv_bf16_dp(xb.data(), n, in, w.bf16, o0, o1, y, out);
      else
        k.gemv_bf16(x, n, in, w.bf16, o0, o1, y, out);
    }
  } else {
#pragma omp parallel
    {
      const auto [o0, o1] = share(out, omp_get_thread_num(), omp_get_num_threads());
      if (w.f32 && o1 > o0) {
        sgemm_nt(x, n, in, w.f32 + o0 * in, o1 - o0, y + o0, out);
      } else if (o1 > o0) {
        // Widen 64 weight rows at a time (64 x in fp32 stays in L2) and multiply them in fp32.
        constexpr std::int64_t tile = 64;
        std::vector<float> wt(static_cast<std::size_t>(tile * in));
        for (std::int64_t t0 = o0; t0 < o1; t0 += tile) {
          const std::int64_t rows = std::min(tile, o1 - t0);
          k.widen_bf16(w.bf16 + t0 * in, wt.data(), rows * in);
          sgemm_nt(x, n, in, wt.data(), rows, y + t0, out);
        }
      }
    }
  }
  if (bias) {
#pragma omp parallel for if (n * out > 16384)
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t c = 0; c < out; ++c) y[r * out + c] += bias[c];
  }
}

void rms_norm(const float* x, std::int64_t rows, std::int64_t dim, const float* w, double eps, float* y) {
  const float feps = static_cast<float>(eps);
#pragma omp parallel for if (rows > 8)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * dim;
    float* yr = y + r * dim;
    float sum = 0.0f;  // torch reduces fp32 pairwise; a plain fp32 sum differs by ~1e-7 relative
    for (std::int64_t i = 0; i < dim; ++i) sum += xr[i] * xr[i];
    const float inv = 1.0f / std::sqrt(sum / static_cast<float>(dim) + feps);
    for (std::int64_t i = 0; i < dim; ++i) yr[i] = w[i] * (xr[i] * inv);
  }
}

std::vector<float> rope_inv_freq(const ModelConfig& config) {
  const auto d = static_cast<std::int64_t>(config.head_dim);
  const auto base = static_cast<float>(config.rope_theta);
  std::vector<float> f(static_cast<std::size_t>(d / 2));
  for (std::int64_t i = 0; i < d / 2; ++i)
    f[static_cast<std::size_t>(i)] = 1.0f / std::pow(base, static_cast<float>(2 * i) / static_cast<float>(d));
  if (!config.rope_scaling || config.rope_scaling->type == "default") return f;
  const RopeScaling& s = *config.rope_scaling;
  if (s.type != "llama3")
    throw usage_error(fmt::format("the CPU backend does not implement rope_scaling type '{}'", s.type),
                      "supported: default and llama3");
  const double factor = s.factor, low_ff = s.low_freq_factor.value_or(1.0), high_ff = s.high_freq_factor.value_or(4.0);
  const double old_len = static_cast<double>(s.original_max_position_embeddings.value_or(8192));
  const double low_wavelen = old_len / low_ff, high_wavelen = old_len / high_ff;
  for (float& v : f) {
    // transformers works on fp32 tensors with python-float scalars: keep fp32 per step.
    const float wavelen = static_cast<float>(2 * std::numbers::pi) / v;
    const float scaled = wavelen > static_cast<float>(low_wavelen) ? v / static_cast<float>(factor) : v;
    const float smooth = (static_cast<float>(old_len) / wavelen - static_cast<float>(low_ff)) /
                         static_cast<float>(high_ff - low_ff);
    const bool medium = !(wavelen < static_cast<float>(high_wavelen)) && !(wavelen > static_cast<float>(low_wavelen));
    v = medium ? (1.0f - smooth) * scaled / static_cast<float>(factor) + smooth * scaled : scaled;
  }
  return f;
}

void apply_rope(float* x, std::int64_t tokens, std::int64_t heads, std::int64_t head_dim,
                std::span<const std::int32_t> positions, std::span<const float> inv_freq) {
  const std::int64_t half = head_dim / 2;
#pragma omp parallel for if (tokens > 4)
  for (std::int64_t t = 0; t < tokens; ++t) {
    const auto pos = static_cast<float>(positions[static_cast<std::size_t>(t)]);
    for (std::int64_t i = 0; i < half; ++i) {
      const float angle = pos * inv_freq[static_cast<std::size_t>(i)];
      const float c = std::cos(angle), s = std::sin(angle);
      for (std::int64_t h = 0; h < heads; ++h) {
        float* v = x + (t * heads + h) * head_dim;
        const float a = v[i], b = v[i + half];
        v[i] = a * c - b * s;
        v[i + half] = b * c + a * s;
      }
    }
  }
}

void silu_mul(float* gate, const float* up, std::int64_t count) {
#pragma omp parallel for if (count > 16384)
  for (std::int64_t i = 0; i < count; ++i) gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

void embedding(const Kernels& k, std::span<const std::int32_t> ids, WeightView table, std::int64_t vocab,
               std::int64_t dim, float* out) {
  for (std::size_t t = 0; t < ids.size(); ++t) {
    if (ids[t] < 0 || ids[t] >= vocab)
      throw runtime_error(fmt::format("token id {} is outside the vocabulary (size {})", ids[t], vocab));
    const std::int64_t off = static_cast<std::int64_t>(ids[t]) * dim;
    float* dst = out + static_cast<std::int64_t>(t) * dim;
    if (table.f32)
      std::copy(table.f32 + off, table.f32 + off + dim, dst);
    else
      k.widen_bf16(table.bf16 + off, dst, dim);
  }
}

void add_inplace(float* x, const float* y, std::int64_t count) {
#pragma omp parallel for if (count > 16384)
  for (std::int64_t i = 0; i < count; ++i) x[i] += y[i];
}

}  // namespace llmctl::backend::cpu
