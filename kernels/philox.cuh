// Philox4x32-10 on the device, bit-identical to lib/engine/philox.cpp (the
// CPU sampler's generator): u(key, n) in [0, 1) from the top 53 bits of words
// 0 (high) and 1 (low) of philox({n_lo, n_hi, 0, 0}, {key_lo, key_hi}), times 2^-53.
#pragma once

#include <cstdint>

namespace llmctl::cuda::detail {

__device__ __forceinline__ double philox_uniform(std::uint64_t key, std::uint64_t counter) {
  constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u, kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  std::uint32_t c0 = static_cast<std::uint32_t>(counter), c1 = static_cast<std::uint32_t>(counter >> 32), c2 = 0u,
                c3 = 0u;
  std::uint32_t k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    const std::uint32_t hi0 = __umulhi(kM0, c0), lo0 = kM0 * c0;
    const std::uint32_t hi1 = __umulhi(kM1, c2), lo1 = kM1 * c2;
    const std::uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
  }
  const std::uint64_t bits = (static_cast<std::uint64_t>(c0) << 32) | c1;
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace llmctl::cuda::detail
