// What the CUDA runtime reports about the local GPUs. Plain C++ header (no CUDA
// types) so CPU-only code can include it; implemented in device_info.cu.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl::cuda {

struct DeviceInfo {
  int index = 0;
  std::string name;
  std::uint64_t total_memory_bytes = 0;
  int compute_capability_major = 0;
  int compute_capability_minor = 0;
  int multiprocessors = 0;
};

struct RuntimeInfo {
  int runtime_version = 0;  // e.g. 13000 for CUDA 13.0
  int driver_version = 0;   // 0 when no driver is installed
  std::string status;       // "ok", or why no device is usable ("no CUDA driver")
  std::vector<DeviceInfo> devices;
};

// Never throws: a machine without a GPU or driver gets an empty device list
// and a status saying why.
RuntimeInfo query_runtime();

}  // namespace llmctl::cuda
