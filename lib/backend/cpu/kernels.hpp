// Vector kernels of the CPU backend with runtime ISA dispatch: the binary is
// built for baseline x86-64 (no -march=native), each kernel also exists
// compiled with GCC target attributes for AVX2+FMA, AVX-512F/BW and
// AVX-512-BF16, and select_kernels() picks the variants the CPU has
// (__builtin_cpu_supports). A Kernels table is a plain value the runner owns
// and passes to the ops (no global dispatch state).
//
// GEMV convention (torch.nn.Linear, W stored [out x in], row-major):
//   y[r * ldy + o] = sum_k x[r * in + k] * W[o * in + k],  r < n,  o in [o0, o1)
// Weights are fp32 or bfloat16 (the top 16 bits of an fp32; widening is exact).
// The bf16 variants:
//   gemv_bf16     widens W to fp32 in registers, fp32 activations, fp32 FMA
//                 (AVX2 / AVX-512F, or plain C++): exact products.
//   gemv_bf16_dp  AVX-512-BF16 only: activations pre-rounded to bf16
//                 (round_bf16), then _mm512_dpbf16_ps: acc += a0*b0 + a1*b1 per
//                 pair with fp32 accumulation (what llama.cpp's and oneDNN's bf16
//                 GEMMs do). Relative error ~2^-9 per product from the rounded
//                 activations, like a bf16 model on a GPU.
#pragma once

#include <cstdint>
#include <string_view>

namespace llmctl::backend::cpu {

enum class Isa { generic, avx2, avx512, avx512_bf16 };

// The best level this CPU (and OS) supports.
Isa detect_isa();
// Whether this CPU can run `isa`'s kernels.
bool isa_supported(Isa isa);
std::string_view isa_name(Isa isa);

using GemvF32 = void (*)(const float* x, std::int64_t n, std::int64_t in, const float* w, std::int64_t o0,
                         std::int64_t o1, float* y, std::int64_t ldy);
using GemvBf16 = void (*)(const float* x, std::int64_t n, std::int64_t in, const std::uint16_t* w, std::int64_t o0,
                          std::int64_t o1, float* y, std::int64_t ldy);
using GemvBf16Dp = void (*)(const std::uint16_t* x, std::int64_t n, std::int64_t in, const std::uint16_t* w,
                            std::int64_t o0, std::int64_t o1, float* y, std::int64_t ldy);

struct Kernels {
  Isa isa = Isa::generic;
  float (*dot)(const float* a, const float* b, std::int64_t n) = nullptr;
  void (*axpy)(float a, const float* x, float* y, std::int64_t n) = nullptr;  // y += a x
  GemvF32 gemv_f32 = nullptr;
  GemvBf16 gemv_bf16 = nullptr;
  GemvBf16Dp gemv_bf16_dp = nullptr;  // null below avx512_bf16
  void (*widen_bf16)(const std::uint16_t* src, float* dst, std::int64_t n) = nullptr;
  void (*round_bf16)(const float* src, std::uint16_t* dst, std::int64_t n) = nullptr;  // nearest-even
};

// The kernels of level `isa`; a usage Error when this CPU lacks it.
Kernels select_kernels(Isa isa);
inline Kernels select_kernels() { return select_kernels(detect_isa()); }

// Per-ISA tables (kernels_generic.cpp, kernels_avx2.cpp, kernels_avx512.cpp).
namespace detail {
Kernels generic_kernels();
Kernels avx2_kernels();
Kernels avx512_kernels(bool bf16);
}  // namespace detail

}  // namespace llmctl::backend::cpu
