// Every number llmctl uses to model vLLM, in one place: each named, with its
// value for the modelled vLLM version and where in vLLM it comes from.
// `llmctl size --vllm-constant name=value` overrides any of them;
// --gpu-memory-utilization and --block-size are shorthands for two.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

struct VllmConstant {
  std::string name;    // e.g. "gpu_memory_utilization"
  double value = 0;
  std::string unit;    // "", "GiB", "tokens", "bytes/logit", ...
  std::string source;  // vLLM file and function (and version) it models
  bool overridden = false;
};

class VllmConstants {
 public:
  VllmConstants(std::string version, std::string engine, std::vector<VllmConstant> items)
      : version_(std::move(version)), engine_(std::move(engine)), items_(std::move(items)) {}

  // The presets: "0.11" (vLLM 0.11.0, V1 engine; the default), "0.7" (V0
  // engine of 0.6.5-0.7.x) and "0.6" (V0 engine of 0.6.0-0.6.4, whose
  // non-torch figure still counts the CUDA context).
  static VllmConstants preset(std::string_view version);
  static const std::vector<std::string>& versions();

  const std::string& version() const { return version_; }
  // "v1" or "v0": which engine's profiling and block accounting to model.
  const std::string& engine() const { return engine_; }
  bool v1() const { return engine_ == "v1"; }

  double get(std::string_view name) const;
  // Throws a usage Error for an unknown name or a value out of range.
  void set(std::string_view name, double value);
  // "name=value" as given to --vllm-constant.
  void apply(std::string_view assignment);

  const std::vector<VllmConstant>& all() const { return items_; }

 private:
  std::string version_;
  std::string engine_;
  std::vector<VllmConstant> items_;
};

}  // namespace llmctl
