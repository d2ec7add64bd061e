// Helpers shared by the sizing tests: catalog configs by alias, the exact
// report for a model, and a tolerance check that prints both numbers.
#pragma once

#include "model/catalog.hpp"
#include "model/config_fixtures.hpp"
#include "sizing/dtype.hpp"
#include "sizing/hardware.hpp"
#include "sizing/plan.hpp"
#include "sizing/weights.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

namespace llmctl::test {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// The catalog's parsed config.json for an alias (embedded in the binary).
inline ModelConfig catalog_config(const std::string& alias) {
  const Catalog catalog = Catalog::embedded();
  const CatalogEntry* entry = catalog.find(alias);
  REQUIRE_MESSAGE(entry != nullptr, alias);
  return catalog.config(*entry);
}

// Weights computed from the config at `dtype` ("auto" = the config's own).
inline WeightsEstimate config_weights(const ModelConfig& c, const std::string& dtype = "auto") {
  return weights_from_config(c, resolve_weight_precision(dtype, c));
}

inline SizeReport report_for(const std::string& alias, SizeInputs in, const std::string& dtype = "auto") {
  const ModelConfig c = catalog_config(alias);
  return size_model(c, config_weights(c, dtype), in, HardwareCatalog::embedded());
}

// |value - expected| <= tolerance * |expected|, printing both when it fails.
inline bool near(double value, double expected, double tolerance) {
  const bool ok = std::fabs(value - expected) <= tolerance * std::fabs(expected);
  if (!ok) MESSAGE(value << " vs expected " << expected << " (tolerance " << tolerance * 100 << "%)");
  return ok;
}

}  // namespace llmctl::test
