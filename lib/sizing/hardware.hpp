// The catalog of accelerators and cloud instances (catalog/accelerators.json
// and catalog/instances.json, compiled into the binary).
#pragma once

#include "util/output.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

struct Accelerator {
  std::string name;  // "L4", "H100", ...
  std::vector<std::string> aliases;
  std::string vendor;
  std::string memory;              // the vendor's label, e.g. "24 GB GDDR6"
  std::uint64_t memory_bytes = 0;  // board memory
  std::uint64_t usable_bytes = 0;  // cudaMemGetInfo total: what vLLM's budget starts from
  bool usable_measured = false;    // usable_bytes is a published measurement (else estimated)
  std::string usable_source;
  double bandwidth_gbs = 0;        // GB/s (10^9 bytes/s)
  std::string compute_capability;
  bool bf16 = true;
  std::string runtime;             // "cuda", "rocm", "neuron"

  bool vllm_gpu() const { return runtime == "cuda" || runtime == "rocm"; }
};

struct Instance {
  std::string provider;  // aws, gcp, azure
  std::string name;      // g6.2xlarge
  std::string gpu;       // an Accelerator name
  std::uint64_t gpus = 0;
  std::uint64_t vcpus = 0;
  double ram_gib = 0;
  std::optional<double> price_usd_per_hour;  // on-demand list price; nothing when unknown
  std::string region;
  std::string price_date;
};

class HardwareCatalog {
 public:
  // The catalog compiled into the binary (parsed once).
  static const HardwareCatalog& embedded();
  // From the two JSON documents (tests). Throws a runtime Error on malformed data.
  static HardwareCatalog from_json(const Json& accelerators, const Json& instances);

  const std::vector<Accelerator>& accelerators() const { return accelerators_; }
  const std::vector<Instance>& instances() const { return instances_; }

  // By name or alias, case-insensitive ("l4", "nvidia-l4"), or nullptr.
  const Accelerator* find_accelerator(std::string_view name) const;
  const Instance* find_instance(std::string_view name) const;
  // The accelerator, or a usage Error "unknown GPU 'x'" whose hint lists close names.
  const Accelerator& accelerator(std::string_view name) const;
  const Instance& instance(std::string_view name) const;

 private:
  std::vector<Accelerator> accelerators_;
  std::vector<Instance> instances_;
};

// Up to `limit` of `candidates` closest to `query` (substring first, then edit distance).
std::vector<std::string> closest_names(std::string_view query, const std::vector<std::string>& candidates,
                                       std::size_t limit = 5);

}  // namespace llmctl
