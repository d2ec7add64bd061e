#include "bench/arrival.hpp"

#include "util/error.hpp"

#include <cmath>
#include <random>

namespace llmctl::bench {

std::vector<double> arrival_offsets(std::size_t n, const ArrivalOptions& options) {
  if (!(options.request_rate > 0.0)) throw usage_error("--request-rate must be positive (or inf)");
  if (!(options.burstiness > 0.0)) throw usage_error("--burstiness must be positive");
  std::vector<double> offsets(n, 0.0);
  if (n == 0 || std::isinf(options.request_rate)) return offsets;
  std::mt19937_64 rng(options.seed);
  const double rate = options.request_rate;
  double t = 0.0;
  if (std::isinf(options.burstiness)) {
    for (std::size_t i = 0; i < n; ++i) offsets[i] = t += 1.0 / rate;
  } else {
    std::gamma_distribution<double> gap(options.burstiness, 1.0 / (rate * options.burstiness));
    for (std::size_t i = 0; i < n; ++i) offsets[i] = t += gap(rng);
  }
  // Rescale: sum of n sampled gaps -> exactly n / rate (vLLM's normalisation).
  if (offsets.back() > 0.0) {
    const double scale = (static_cast<double>(n) / rate) / offsets.back();
    for (double& o : offsets) o *= scale;
  }
  return offsets;
}

}  // namespace llmctl::bench
