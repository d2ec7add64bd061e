// AVX-512 kernels (AVX-512F/BW/VL, and AVX-512-BF16 for gemv_bf16_dp /
// round_bf16), compiled with GCC target pragmas so the rest of the binary
// stays baseline x86-64; only called after isa_supported() said yes.
#include "backend/cpu/kernels.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

namespace llmctl::backend::cpu {

// GCC 12's avx512fintrin.h seeds some intrinsics with _mm512_undefined_*(),
// which -Wuninitialized flags at -O3 (a known false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")

namespace {

inline __mmask16 tail16(std::int64_t left) { return static_cast<__mmask16>((1u << left) - 1u); }

inline __m512 widen16(const std::uint16_t* p) {  // 16 bf16 -> fp32 (bf16 is the top half)
  return _mm512_castsi512_ps(
      _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))), 16));
}
inline __m512 widen16_masked(const std::uint16_t* p, __mmask16 m) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p)), 16));
}
// 16 weights as fp32, by weight type (overloads, not lambdas: a lambda's
// operator() does not inherit the target pragma).
inline __m512 load16(const float* p) { return _mm512_loadu_ps(p); }
inline __m512 load16(const std::uint16_t* p) { return widen16(p); }
inline __m512 load16(const float* p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
inline __m512 load16(const std::uint16_t* p, __mmask16 m) { return widen16_masked(p, m); }

float dot512(const float* a, const float* b, std::int64_t n) {
  __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
  std::int64_t k = 0;
  for (; k + 32 <= n; k += 32) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k), s0);
    s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k + 16), _mm512_loadu_ps(b + k + 16), s1);
  }
  for (; k < n; k += 16) {
    const __mmask16 m = n - k >= 16 ? static_cast<__mmask16>(0xffff) : tail16(n - k);
    s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + k), _mm512_maskz_loadu_ps(m, b + k), s0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

void axpy512(float a, const float* x, float* y, std::int64_t n) {
  const __m512 av = _mm512_set1_ps(a);
  std::int64_t k = 0;
  for (; k + 16 <= n; k += 16) _mm512_storeu_ps(y + k, _mm512_fmadd_ps(av, _mm512_loadu_ps(x + k), _mm512_loadu_ps(y + k)));
  if (k < n) {
    const __mmask16 m = tail16(n - k);
    _mm512_mask_storeu_ps(y + k, m, _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m, x + k), _mm512_maskz_loadu_ps(m, y + k)));
  }
}

// R activation rows x O weight rows: R*O dot products of length `in`, each
// in its own accumulator; every loaded weight vector serves R rows and every
// activation vector O rows.
template <int R, int O, typename WT>
inline void block16(const float* x, std::int64_t in, const WT* w, float* y, std::int64_t ldy) {
  __m512 acc[R][O];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int o = 0; o < O; ++o) acc[r][o] = _mm512_setzero_ps();
  std::int64_t k = 0;
  for (; k + 16 <= in; k += 16) {
    __m512 wv[O];
#pragma GCC unroll 16
    for (int o = 0; o < O; ++o) wv[o] = load16(w + o * in + k);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m512 xv = _mm512_loadu_ps(x + r * in + k);
#pragma GCC unroll 16
      for (int o = 0; o < O; ++o) acc[r][o] = _mm512_fmadd_ps(xv, wv[o], acc[r][o]);
    }
  }
  if (k < in) {
    const __mmask16 m = tail16(in - k);
    __m512 wv[O];
    for (int o = 0; o < O; ++o) wv[o] = load16(w + o * in + k, m);
    for (int r = 0; r < R; ++r) {
      const __m512 xv = _mm512_maskz_loadu_ps(m, x + r * in + k);
      for (int o = 0; o < O; ++o) acc[r][o] = _mm512_fmadd_ps(xv, wv[o], acc[r][o]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int o = 0; o < O; ++o) y[r * ldy + o] = _mm512_reduce_add_ps(acc[r][o]);
}

// Rows in groups of 4 (then 3, 2, 1) for each group of O weight rows: the
// weight rows stay in L1/L2 while the activation rows pass over them.
template <int O, typename WT>
inline void gemv_rows(const float* x, std::int64_t n, std::int64_t in, const WT* w, float* y, std::int64_t ldy) {
  std::int64_t r = 0;
  for (; r + 4 <= n; r += 4) block16<4, O>(x + r * in, in, w, y + r * ldy, ldy);
  switch (n - r) {
    case 3: block16<3, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    case 2: block16<2, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    case 1: block16<1, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    default: break;
  }
}

template <typename WT>
inline void gemv512(const float* x, std::int64_t n, std::int64_t in, const WT* w, std::int64_t o0, std::int64_t o1,
                    float* y, std::int64_t ldy) {
  std::int64_t o = o0;
  for (; o + 4 <= o1; o += 4) gemv_rows<4>(x, n, in, w + o * in, y + o, ldy);
  for (; o < o1; ++o) gemv_rows<1>(x, n, in, w + o * in, y + o, ldy);
}

void gemv_f32_512(const float* x, std::int64_t n, std::int64_t in, const float* w, std::int64_t o0, std::int64_t o1,
                  float* y, std::int64_t ldy) {
  gemv512(x, n, in, w, o0, o1, y, ldy);
}

void gemv_bf16_512(const float* x, std::int64_t n, std::int64_t in, const std::uint16_t* w, std::int64_t o0,
                   std::int64_t o1, float* y, std::int64_t ldy) {
  gemv512(x, n, in, w, o0, o1, y, ldy);
}

void widen512(const std::uint16_t* src, float* dst, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, widen16(src + i));
  if (i < n) _mm512_mask_storeu_ps(dst + i, tail16(n - i), widen16_masked(src + i, tail16(n - i)));
}

}  // namespace

#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512bf16,avx2,fma")

namespace {

// As block16 over bf16 pairs: _mm512_dpbf16_ps(acc, a, b) adds
// a[2i] b[2i] + a[2i+1] b[2i+1] to lane i, so a plain dot product of two
// bf16 rows is the sum of all lanes (32 elements per instruction).
template <int R, int O>
inline void block_dp(const std::uint16_t* x, std::int64_t in, const std::uint16_t* w, float* y, std::int64_t ldy) {
  __m512 acc[R][O];
#pragma GCC unroll 16
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 16
    for (int o = 0; o < O; ++o) acc[r][o] = _mm512_setzero_ps();
  std::int64_t k = 0;
  for (; k + 32 <= in; k += 32) {
    __m512bh wv[O];
#pragma GCC unroll 16
    for (int o = 0; o < O; ++o) wv[o] = (__m512bh)_mm512_loadu_si512(w + o * in + k);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      const __m512bh xv = (__m512bh)_mm512_loadu_si512(x + r * in + k);
#pragma GCC unroll 16
      for (int o = 0; o < O; ++o) acc[r][o] = _mm512_dpbf16_ps(acc[r][o], xv, wv[o]);
    }
  }
  if (k < in) {  // zero-filled lanes add nothing
    const auto m = static_cast<__mmask32>((std::uint64_t{1} << (in - k)) - 1u);
    __m512bh wv[O];
    for (int o = 0; o < O; ++o) wv[o] = (__m512bh)_mm512_maskz_loadu_epi16(m, w + o * in + k);
    for (int r = 0; r < R; ++r) {
      const __m512bh xv = (__m512bh)_mm512_maskz_loadu_epi16(m, x + r * in + k);
      for (int o = 0; o < O; ++o) acc[r][o] = _mm512_dpbf16_ps(acc[r][o], xv, wv[o]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int o = 0; o < O; ++o) y[r * ldy + o] = _mm512_reduce_add_ps(acc[r][o]);
}

template <int O>
inline void rows_dp(const std::uint16_t* x, std::int64_t n, std::int64_t in, const std::uint16_t* w, float* y,
                    std::int64_t ldy) {
  std::int64_t r = 0;
  for (; r + 4 <= n; r += 4) block_dp<4, O>(x + r * in, in, w, y + r * ldy, ldy);
  switch (n - r) {
    case 3: block_dp<3, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    case 2: block_dp<2, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    case 1: block_dp<1, O>(x + r * in, in, w, y + r * ldy, ldy); break;
    default: break;
  }
}

void gemv_bf16_dp(const std::uint16_t* x, std::int64_t n, std::int64_t in, const std::uint16_t* w, std::int64_t o0,
                  std::int64_t o1, float* y, std::int64_t ldy) {
  std::int64_t o = o0;
  for (; o + 4 <= o1; o += 4) rows_dp<4>(x, n, in, w + o * in, y + o, ldy);
  for (; o < o1; ++o) rows_dp<1>(x, n, in, w + o * in, y + o, ldy);
}

// vcvtneps2bf16 rounds to nearest even like float_to_bfloat16 (it treats
// denormal inputs as zero, which activations never are in practice).
void round_bf16_512(const float* src, std::uint16_t* dst, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), (__m256i)_mm512_cvtneps_pbh(_mm512_loadu_ps(src + i)));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1u);
    _mm256_mask_storeu_epi16(dst + i, m, (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, src + i)));
  }
}

}  // namespace

#pragma GCC pop_options
#pragma GCC diagnostic pop

namespace detail {
Kernels avx512_kernels(bool bf16) {
  Kernels k = generic_kernels();
  k.isa = bf16 ? Isa::avx512_bf16 : Isa::avx512;
  k.dot = dot512;
  k.axpy = axpy512;
  k.gemv_f32 = gemv_f32_512;
  k.gemv_bf16 = gemv_bf16_512;
  k.widen_bf16 = widen512;
  if (bf16) {
    k.gemv_bf16_dp = gemv_bf16_dp;
    k.round_bf16 = round_bf16_512;
  }
  return k;
}
}  // namespace detail

}  // namespace llmctl::backend::cpu

#else  // not x86-64: isa_supported() never offers these levels

namespace llmctl::backend::cpu::detail {
Kernels avx512_kernels(bool) { return generic_kernels(); }
}  // namespace llmctl::backend::cpu::detail

#endif
