// The dispatched vector kernels (kernels.hpp) of every ISA level this CPU
// runs, against plain double-precision references: GEMV over fp32 and bf16
// weights (ragged sizes: vector tails, 1-4 row groups, partial output
// ranges), bf16 rounding and widening, dot/axpy, and linear()'s GEMV and
// sgemm paths.
#include "backend/cpu/kernels.hpp"
#include "backend/cpu/ops.hpp"
#include "model/weights.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace llmctl;
using namespace llmctl::backend::cpu;

namespace {

std::vector<Isa> supported_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::generic, Isa::avx2, Isa::avx512, Isa::avx512_bf16})
    if (isa_supported(isa)) out.push_back(isa);
  return out;
}

std::vector<float> random_floats(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<std::uint16_t> to_bf16(const std::vector<float>& v) {
  std::vector<std::uint16_t> b(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) b[i] = float_to_bfloat16(v[i]);
  return b;
}

std::vector<float> widen(const std::vector<std::uint16_t>& b) {
  std::vector<float> v(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) v[i] = bfloat16_to_float(b[i]);
  return v;
}

// y[r][o] = sum_k x[r][k] w[o][k] in double, and the scale sum |x w| that
// bounds the fp32 rounding error of any summation order.
void reference(const std::vector<float>& x, std::int64_t n, std::int64_t in, const std::vector<float>& w,
               std::int64_t out, std::vector<double>& y, std::vector<double>& scale) {
  y.assign(static_cast<std::size_t>(n * out), 0.0);
  scale.assign(y.size(), 0.0);
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t o = 0; o < out; ++o)
      for (std::int64_t k = 0; k < in; ++k) {
        const double p = static_cast<double>(x[static_cast<std::size_t>(r * in + k)]) *
                         static_cast<double>(w[static_cast<std::size_t>(o * in + k)]);
        y[static_cast<std::size_t>(r * out + o)] += p;
        scale[static_cast<std::size_t>(r * out + o)] += std::fabs(p);
      }
}

// |got - want| <= in * 2^-23 * sum|x w| (+ a tiny absolute floor).
void check_close(const std::vector<float>& got, const std::vector<double>& want, const std::vector<double>& scale,
                 std::int64_t in) {
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double tol = static_cast<double>(in) * 1.2e-7 * scale[i] + 1e-30;
    REQUIRE(std::fabs(static_cast<double>(got[i]) - want[i]) <= tol);
  }
}

}  // namespace

TEST_CASE("kernels: float_to_bfloat16 rounds to nearest even, widening is exact") {
  CHECK(float_to_bfloat16(1.0f) == 0x3f80);
  CHECK(float_to_bfloat16(1.0f + 0x1p-8f) == 0x3f80);        // halfway: to even (down)
  CHECK(float_to_bfloat16(1.0f + 3 * 0x1p-8f) == 0x3f82);    // halfway: to even (up)
  CHECK(float_to_bfloat16(1.0f + 0x1p-8f + 0x1p-20f) == 0x3f81);  // above halfway: up
  CHECK(float_to_bfloat16(-2.0f) == 0xc000);
  CHECK(std::isnan(bfloat16_to_float(float_to_bfloat16(std::nanf("")))));
  CHECK(bfloat16_to_float(float_to_bfloat16(3.0e38f)) == doctest::Approx(3.0e38).epsilon(4e-3));
}

TEST_CASE("kernels: every supported ISA level matches the references") {
  std::mt19937 rng(42);
  for (Isa isa : supported_isas()) {
    CAPTURE(isa_name(isa));
    const Kernels k = select_kernels(isa);
    REQUIRE(k.isa == isa);
    CHECK((k.gemv_bf16_dp != nullptr) == (isa == Isa::avx512_bf16));

    // widen / round: exact, against the scalar definitions.
    const auto f = random_floats(77, rng);
    const auto b = to_bf16(f);
    std::vector<float> wide(b.size());
    k.widen_bf16(b.data(), wide.data(), static_cast<std::int64_t>(b.size()));
    CHECK(wide == widen(b));
    std::vector<std::uint16_t> rounded(f.size());
    k.round_bf16(f.data(), rounded.data(), static_cast<std::int64_t>(f.size()));
    CHECK(rounded == b);

    // dot / axpy at lengths around the vector widths.
    for (std::int64_t n : {1, 7, 8, 16, 31, 33, 128, 129}) {
      CAPTURE(n);
      const auto a = random_floats(static_cast<std::size_t>(n), rng), c = random_floats(static_cast<std::size_t>(n), rng);
      double want = 0.0, scale = 0.0;
      for (std::int64_t i = 0; i < n; ++i) {
        want += static_cast<double>(a[static_cast<std::size_t>(i)]) * c[static_cast<std::size_t>(i)];
        scale += std::fabs(static_cast<double>(a[static_cast<std::size_t>(i)]) * c[static_cast<std::size_t>(i)]);
      }
      CHECK(std::fabs(k.dot(a.data(), c.data(), n) - want) <= static_cast<double>(n) * 1.2e-7 * scale);
      std::vector<float> y = c;
      k.axpy(0.5f, a.data(), y.data(), n);
      for (std::int64_t i = 0; i < n; ++i)
        CHECK(y[static_cast<std::size_t>(i)] ==
              doctest::Approx(c[static_cast<std::size_t>(i)] + 0.5 * a[static_cast<std::size_t>(i)]).epsilon(1e-6));
    }

    // GEMV over [o0, o1) of a [out x in] weight, n activation rows.
    for (std::int64_t in : {1, 15, 16, 33, 64, 100, 1029}) {
      for (std::int64_t n : {1, 2, 3, 4, 5, 9, 16}) {
        CAPTURE(in);
        CAPTURE(n);
        const std::int64_t out = 11, o0 = 2, o1 = 11;
        const auto x = random_floats(static_cast<std::size_t>(n * in), rng);
        const auto w = random_floats(static_cast<std::size_t>(out * in), rng);
        std::vector<double> want, scale;
        std::vector<float> y(static_cast<std::size_t>(n * out), -7.0f);

        reference(x, n, in, w, out, want, scale);
        k.gemv_f32(x.data(), n, in, w.data(), o0, o1, y.data(), out);
        for (std::int64_t r = 0; r < n; ++r)  // rows outside [o0, o1) untouched
          for (std::int64_t o = 0; o < o0; ++o) REQUIRE(y[static_cast<std::size_t>(r * out + o)] == -7.0f);
        k.gemv_f32(x.data(), n, in, w.data(), 0, o0, y.data(), out);
        check_close(y, want, scale, in);

        const auto wb = to_bf16(w);
        reference(x, n, in, widen(wb), out, want, scale);  // exact products of the widened weights
        k.gemv_bf16(x.data(), n, in, wb.data(), 0, out, y.data(), out);
        check_close(y, want, scale, in);

        if (k.gemv_bf16_dp) {  // activations rounded to bf16 first, then exact products
          const auto xb = to_bf16(x);
          reference(widen(xb), n, in, widen(wb), out, want, scale);
          k.gemv_bf16_dp(xb.data(), n, in, wb.data(), 0, out, y.data(), out);
          check_close(y, want, scale, in);
        }
      }
    }
  }
}

TEST_CASE("kernels: linear() through the GEMV and the sgemm paths, fp32 and bf16, with bias") {
  std::mt19937 rng(7);
  const std::int64_t in = 96, out = 70;
  const auto w = random_floats(static_cast<std::size_t>(out * in), rng);
  const auto bias = random_floats(static_cast<std::size_t>(out), rng);
  const auto wb = to_bf16(w);
  for (Isa isa : supported_isas()) {
    const Kernels k = select_kernels(isa);
    for (std::int64_t n : {std::int64_t{1}, kGemvMaxRows, kGemvMaxRows + 1, std::int64_t{100}}) {
      CAPTURE(isa_name(isa));
      CAPTURE(n);
      const auto x = random_floats(static_cast<std::size_t>(n * in), rng);
      std::vector<float> y(static_cast<std::size_t>(n * out));
      std::vector<double> want, scale;

      WeightView f32;
      f32.f32 = w.data();
      reference(x, n, in, w, out, want, scale);
      for (std::size_t i = 0; i < want.size(); ++i) want[i] += bias[i % static_cast<std::size_t>(out)];
      linear(k, x.data(), n, in, f32, bias.data(), out, y.data());
      for (std::size_t i = 0; i < want.size(); ++i) scale[i] += 1.0;  // the bias add rounds once more
      check_close(y, want, scale, in);

      WeightView b16;
      b16.bf16 = wb.data();
      // GEMV with bf16 dot products rounds the activations; sgemm (and the widening GEMV) does not.
      const bool rounds_x = n <= kGemvMaxRows && k.gemv_bf16_dp;
      std::vector<float> xr = x;
      if (rounds_x) xr = widen(to_bf16(x));
      reference(xr, n, in, widen(wb), out, want, scale);
      for (std::size_t i = 0; i < want.size(); ++i) {
        want[i] += bias[i % static_cast<std::size_t>(out)];
        scale[i] += 1.0;
      }
      linear(k, x.data(), n, in, b16, bias.data(), out, y.data());
      check_close(y, want, scale, in);
    }
  }
}
