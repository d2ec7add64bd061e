// AVX2 + FMA kernels (8 fp32 lanes), for x86-64 CPUs without AVX-512;
// compiled with a GCC target pragma, only called after isa_supported().
#include "backend/cpu/kernels.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

namespace llmctl::backend::cpu {

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")

namespace {

inline float hsum(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}

inline __m256 widen8(const std::uint16_t* p) {  // 8 bf16 -> fp32
  return _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), 16));
}

inline float widen1(std::uint16_t b) {
  return _mm_cvtss_f32(_mm_castsi128_ps(_mm_cvtsi32_si128(static_cast<int>(static_cast<std::uint32_t>(b) << 16))));
}

// Weights as fp32, by weight type (overloads: lambdas do not inherit the target pragma).
inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load8(const std::uint16_t* p) { return widen8(p); }
inline float one(float v) { return v; }
inline float one(std::uint16_t b) { return widen1(b); }

float dot256(const float* a, const float* b, std::int64_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  std::int64_t k = 0;
  for (; k + 16 <= n; k += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8), s1);
  }
  for (; k + 8 <= n; k += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; k < n; ++k) s += a[k] * b[k];
  return s;
}

void axpy256(float a, const float* x, float* y, std::int64_t n) {
  const __m256 av = _mm256_set1_ps(a);
  std::int64_t k = 0;
  for (; k + 8 <= n; k += 8) _mm256_storeu_ps(y + k, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + k), _mm256_loadu_ps(y + k)));
  for (; k < n; ++k) y[k] += a * x[k];
}

// R activation rows x O weight rows, 8 lanes per step; scalar tail.
template <int R, int O, typename WT>
inline void block8(const float* x, std::int64_t in, const WT* w, float* y, std::int64_t ldy) {
  __m256 acc[R][O];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int o = 0; o < O; ++o) acc[r][o] = _mm256_setzero_ps();
  std::int64_t k = 0;
  for (; k + 8 <= in; k += 8) {
    __m256 wv[O];
#pragma GCC unroll 16
    for (int o = 0; o < O; ++o) wv[o] = load8(w + o * in + k);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m256 xv = _mm256_loadu_ps(x + r * in + k);
#pragma GCC unroll 16
      for (int o = 0; o < O; ++o) acc[r][o] = _mm256_fmadd_ps(xv, wv[o], acc[r][o]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int o = 0; o < O; ++o) {
      float s = hsum(acc[r][o]);
      for (std::int64_t t = k; t < in; ++t) s += x[r * in + t] * one(w[o * in + t]);
      y[r * ldy + o] = s;
    }
}

template <int O, typename WT>
inline void rows8(const float* x, std::int64_t n, std::int64_t in, const WT* w, float* y, std::int64_t ldy) {
  std::int64_t r = 0;
  for (; r + 4 <= n; r += 4) block8<4, O>(x + r * in, in, w, y + r * ldy, ldy);
  switch (n - r) {
    case 3: block8<3, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    case 2: block8<2, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    case 1: block8<1, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    default: break;
  }
}

template <typename WT>
inline void gemv256(const float* x, std::int64_t n, std::int64_t in, const WT* w, std::int64_t o0, std::int64_t o1,
                    float* y, std::int64_t ldy) {
  std::int64_t o = o0;
  for (; o + 2 <= o1; o += 2) rows8<2>(x, n, in, w + o * in, y + o, ldy);
  for (; o < o1; ++o) rows8<1>(x, n, in, w + o * in, y + o, ldy);
}

void gemv_f32_256(const float* x, std::int64_t n, std::int64_t in, const float* w, std::int64_t o0, std::int64_t o1,
                  float* y, std::int64_t ldy) {
  gemv256(x, n, in, w, o0, o1, y, ldy);
}

void gemv_bf16_256(const float* x, std::int64_t n, std::int64_t in, const std::uint16_t* w, std::int64_t o0,
                   std::int64_t o1, float* y, std::int64_t ldy) {
  gemv256(x, n, in, w, o0, o1, y, ldy);
}

void widen256(const std::uint16_t* src, float* dst, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, widen8(src + i));
  for (; i < n; ++i) dst[i] = widen1(src[i]);
}

}  // namespace

#pragma GCC pop_options

namespace detail {
Kernels avx2_kernels() {
  Kernels k = generic_kernels();
  k.isa = Isa::avx2;
  k.dot = dot256;
  k.axpy = axpy256;
  k.gemv_f32 = gemv_f32_256;
  k.gemv_bf16 = gemv_bf16_256;
  k.widen_bf16 = widen256;
  return k;
}
}  // namespace detail

}  // namespace llmctl::backend::cpu

#else

namespace llmctl::backend::cpu::detail {
Kernels avx2_kernels() { return generic_kernels(); }
}  // namespace llmctl::backend::cpu::detail

#endif
