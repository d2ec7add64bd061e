#include "bench/arrival.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace llmctl::bench;

namespace {
struct GapStats {
  double mean = 0, cv = 0;
};
GapStats gap_stats(const std::vector<double>& offsets) {
  std::vector<double> gaps;
  double prev = 0;
  for (double o : offsets) {
    gaps.push_back(o - prev);
    prev = o;
  }
  double m = 0;
  for (double g : gaps) m += g;
  m /= static_cast<double>(gaps.size());
  double var = 0;
  for (double g : gaps) var += (g - m) * (g - m);
  var /= static_cast<double>(gaps.size());
  return {m, std::sqrt(var) / m};
}
}  // namespace

TEST_CASE("arrival: the last request is due at exactly N / rate") {
  ArrivalOptions o;
  o.request_rate = 50;
  o.seed = 7;
  const auto offsets = arrival_offsets(1000, o);
  CHECK(offsets.back() == doctest::Approx(20.0));
  for (std::size_t i = 1; i < offsets.size(); ++i) REQUIRE(offsets[i] >= offsets[i - 1]);
}

TEST_CASE("arrival: Poisson gaps have coefficient of variation 1, gamma 1/sqrt(burstiness)") {
  ArrivalOptions o;
  o.request_rate = 100;
  o.seed = 1;
  const auto poisson = gap_stats(arrival_offsets(20000, o));
  CHECK(poisson.mean == doctest::Approx(0.01).epsilon(0.001));
  CHECK(poisson.cv == doctest::Approx(1.0).epsilon(0.03));
  o.burstiness = 4;  // CV = 0.5
  CHECK(gap_stats(arrival_offsets(20000, o)).cv == doctest::Approx(0.5).epsilon(0.03));
  o.burstiness = 0.25;  // CV = 2
  CHECK(gap_stats(arrival_offsets(20000, o)).cv == doctest::Approx(2.0).epsilon(0.05));
  o.burstiness = std::numeric_limits<double>::infinity();  // constant gaps
  CHECK(gap_stats(arrival_offsets(1000, o)).cv == doctest::Approx(0.0).epsilon(1e-9));
}

TEST_CASE("arrival: an infinite rate sends everything at once; the seed makes it reproducible") {
  const auto all = arrival_offsets(5, {});
  CHECK(all == std::vector<double>(5, 0.0));
  ArrivalOptions o;
  o.request_rate = 10;
  o.seed = 3;
  CHECK(arrival_offsets(100, o) == arrival_offsets(100, o));
  o.request_rate = 0;
  CHECK_THROWS(arrival_offsets(3, o));
}
