// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
// SC'11; Random123), the counter-based generator behind torch's CUDA RNG.
// Counter-based means the n-th draw is a pure function of (key, n): a
// sequence's random stream needs no state to carry, cannot be disturbed by
// other sequences drawing, and replays identically after a preemption.
#pragma once

#include <array>
#include <cstdint>

namespace llmctl::engine {

// 10 rounds of the Philox 4x32 bijection: counter (4 words), key (2 words).
std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key);

// A uniform double in [0, 1) from the first 53 bits of philox(key, counter):
// the top 53 bits of words 0 (high) and 1 (low), times 2^-53.
double philox_uniform(std::uint64_t key, std::uint64_t counter);

}  // namespace llmctl::engine
