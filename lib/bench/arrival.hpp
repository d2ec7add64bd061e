// When each request is due: vLLM's arrival process, precomputed as absolute
// offsets from the benchmark's start so the sender never accumulates drift.
//
// Inter-arrival gaps are Gamma(shape = burstiness, scale = 1 / (rate * burstiness)):
// mean 1/rate whatever the burstiness, coefficient of variation 1/sqrt(burstiness).
// burstiness = 1 is the exponential distribution (a Poisson process); < 1 is
// burstier, > 1 more regular, infinite is a constant gap. As vLLM does, the
// cumulative offsets are rescaled so the last one is exactly N / rate, which
// makes the achieved rate independent of the seed's luck.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace llmctl::bench {

struct ArrivalOptions {
  double request_rate = std::numeric_limits<double>::infinity();  // requests/s; inf: all at once
  double burstiness = 1.0;
  std::uint64_t seed = 0;
};

// Offsets in seconds of n requests (the first gap included, as vLLM's sampler).
std::vector<double> arrival_offsets(std::size_t n, const ArrivalOptions& options);

}  // namespace llmctl::bench
