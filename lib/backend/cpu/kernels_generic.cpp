// Plain C++ kernels (any x86-64 or other CPU) and the ISA dispatch.
#include "backend/cpu/kernels.hpp"

#include "model/weights.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <cstring>

namespace llmctl::backend::cpu {

namespace {

// Eight partial sums: independent chains the compiler can keep in registers
// (a single fp32 accumulator serialises on the add latency and cannot be
// vectorised without reassociation).
float dot_generic(const float* a, const float* b, std::int64_t n) {
  float acc[8] = {};
  std::int64_t k = 0;
  for (; k + 8 <= n; k += 8)
    for (int j = 0; j < 8; ++j) acc[j] += a[k + j] * b[k + j];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; k < n; ++k) s += a[k] * b[k];
  return s;
}

void axpy_generic(float a, const float* x, float* y, std::int64_t n) {
  for (std::int64_t k = 0; k < n; ++k) y[k] += a * x[k];
}

float bf16(std::uint16_t b) {
  const std::uint32_t bits = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

void gemv_f32_generic(const float* x, std::int64_t n, std::int64_t in, const float* w, std::int64_t o0,
                      std::int64_t o1, float* y, std::int64_t ldy) {
  for (std::int64_t o = o0; o < o1; ++o)
    for (std::int64_t r = 0; r < n; ++r) y[r * ldy + o] = dot_generic(x + r * in, w + o * in, in);
}

void gemv_bf16_generic(const float* x, std::int64_t n, std::int64_t in, const std::uint16_t* w, std::int64_t o0,
                       std::int64_t o1, float* y, std::int64_t ldy) {
  float row[512];  // widened in chunks so the fp32 dot kernel does the math
  for (std::int64_t o = o0; o < o1; ++o) {
    for (std::int64_t r = 0; r < n; ++r) y[r * ldy + o] = 0.0f;
    for (std::int64_t k0 = 0; k0 < in; k0 += 512) {
      const std::int64_t len = std::min<std::int64_t>(512, in - k0);
      for (std::int64_t k = 0; k < len; ++k) row[k] = bf16(w[o * in + k0 + k]);
      for (std::int64_t r = 0; r < n; ++r) y[r * ldy + o] += dot_generic(x + r * in + k0, row, len);
    }
  }
}

void widen_generic(const std::uint16_t* src, float* dst, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) dst[i] = bf16(src[i]);
}

void round_generic(const float* src, std::uint16_t* dst, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) dst[i] = float_to_bfloat16(src[i]);
}

}  // namespace

namespace detail {
Kernels generic_kernels() {
  Kernels k;
  k.isa = Isa::generic;
  k.dot = dot_generic;
  k.axpy = axpy_generic;
  k.gemv_f32 = gemv_f32_generic;
  k.gemv_bf16 = gemv_bf16_generic;
  k.widen_bf16 = widen_generic;
  k.round_bf16 = round_generic;
  return k;
}
}  // namespace detail

bool isa_supported(Isa isa) {
#if defined(__x86_64__) || defined(__i386__)
  switch (isa) {
    case Isa::generic:
      return true;
    case Isa::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512_bf16:
      return isa_supported(Isa::avx512) && __builtin_cpu_supports("avx512bf16");
  }
  return false;
#else
  return isa == Isa::generic;
#endif
}

Isa detect_isa() {
  for (Isa isa : {Isa::avx512_bf16, Isa::avx512, Isa::avx2})
    if (isa_supported(isa)) return isa;
  return Isa::generic;
}

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::generic:
      return "generic";
    case Isa::avx2:
      return "avx2";
    case Isa::avx512:
      return "avx512";
    case Isa::avx512_bf16:
      return "avx512_bf16";
  }
  return "?";
}

Kernels select_kernels(Isa isa) {
  if (!isa_supported(isa))
    throw usage_error(fmt::format("this CPU does not support the {} kernels", isa_name(isa)));
  switch (isa) {
    case Isa::generic:
      return detail::generic_kernels();
    case Isa::avx2:
      return detail::avx2_kernels();
    case Isa::avx512:
      return detail::avx512_kernels(false);
    case Isa::avx512_bf16:
      return detail::avx512_kernels(true);
  }
  return detail::generic_kernels();
}

}  // namespace llmctl::backend::cpu
