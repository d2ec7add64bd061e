#include "backend/cuda/device_info.hpp"

#include <cuda_runtime.h>

namespace llmctl::cuda {

RuntimeInfo query_runtime() {
  RuntimeInfo info;
  cudaRuntimeGetVersion(&info.runtime_version);
  if (cudaDriverGetVersion(&info.driver_version) != cudaSuccess) info.driver_version = 0;
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    info.status = cudaGetErrorString(err);
    cudaGetLastError();  // clear the sticky error for later callers
    return info;
  }
  info.status = "ok";
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    info.devices.push_back(DeviceInfo{i, prop.name, static_cast<std::uint64_t>(prop.totalGlobalMem), prop.major,
                                      prop.minor, prop.multiProcessorCount});
  }
  return info;
}

}  // namespace llmctl::cuda
