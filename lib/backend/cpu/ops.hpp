// The CPU forward-pass ops, activations in fp32, computed as transformers
// computes them (the reference the CUDA kernels are checked against).
// Row-major activations [rows x dim].
//
// Threads: OpenMP is the only thread pool. OpenBLAS is made single-threaded
// (blas_single_thread) and called once per OpenMP thread on a slice of the
// output columns: with OpenBLAS's own pthread pool beside OpenMP's, both
// pools spin-wait for work on the same cores and decode ran 2x slower.
#pragma once

#include "backend/cpu/kernels.hpp"
#include "model/config.hpp"
#include "model/weights.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace llmctl::backend::cpu {

// A Linear weight [out x in] in fp32 or bf16 (exactly one pointer set).
struct WeightView {
  const float* f32 = nullptr;
  const std::uint16_t* bf16 = nullptr;
};
WeightView weight_view(const WeightTensor& t);

// Sets OpenBLAS (if that is the BLAS linked) to one thread; found with
// dlsym, so another BLAS links too.
void blas_single_thread();

// Activation rows up to which linear() uses the GEMV kernels rather than
// sgemm (decode batches): measured on a Zen 4 with bench/engine-throughput.
inline constexpr std::int64_t kGemvMaxRows = 16;

// y[n x out] = x[n x in] * W^T (+ bias): torch.nn.Linear with W stored [out, in].
//   n <= kGemvMaxRows: kernels.gemv_* over output rows split across threads
//     (bf16 weights with AVX-512-BF16: activations rounded to bf16 first, see kernels.hpp);
//   otherwise: cblas_sgemm per thread on its output columns, bf16 weights
//     widened to fp32 tiles first (exact), so prefill math is fp32.
void linear(const Kernels& kernels, const float* x, std::int64_t n, std::int64_t in, WeightView w,
            const float* bias, std::int64_t out, float* y);

// y = w * (x / sqrt(mean(x^2) + eps)) per row of `dim` values: LlamaRMSNorm /
// Qwen3RMSNorm (fp32 throughout; the weight applies after the cast back,
// which is the identity in fp32). In place is allowed (y == x).
void rms_norm(const float* x, std::int64_t rows, std::int64_t dim, const float* w, double eps, float* y);

// RoPE inverse frequencies inv_freq[i] = 1 / theta^(2i / head_dim), i < head_dim/2,
// computed in fp32 like transformers' _compute_default_rope_parameters, with
// the Llama 3 adjustment (_compute_llama3_parameters) when rope_scaling is llama3:
//   wavelen = 2*pi / f; low = L / low_freq_factor; high = L / high_freq_factor
//   wavelen > low:  f / factor            (long wavelengths: interpolated)
//   wavelen < high: f                     (short ones: kept)
//   otherwise:      (1 - s) f / factor + s f, s = (L / wavelen - low_ff) / (high_ff - low_ff)
// (L = original_max_position_embeddings). Usage Error for other scaling types.
std::vector<float> rope_inv_freq(const ModelConfig& config);

// Rotate-half (NeoX) RoPE in place on x[tokens x heads x head_dim]:
//   angle = pos * inv_freq[i]; for i < d/2: (a, b) = (x[i], x[i + d/2])
//   x[i] = a cos - b sin;  x[i + d/2] = b cos + a sin
void apply_rope(float* x, std::int64_t tokens, std::int64_t heads, std::int64_t head_dim,
                std::span<const std::int32_t> positions, std::span<const float> inv_freq);

// gate[n x I] <- silu(gate) * up, silu(g) = g / (1 + e^-g): SwiGLU's product.
void silu_mul(float* gate, const float* up, std::int64_t count);

// out[t] = table[ids[t]] (rows of `dim`, widened from bf16); a runtime Error for an id outside the table.
void embedding(const Kernels& kernels, std::span<const std::int32_t> ids, WeightView table, std::int64_t vocab,
               std::int64_t dim, float* out);

// x += y, elementwise.
void add_inplace(float* x, const float* y, std::int64_t count);

}  // namespace llmctl::backend::cpu
