// Helpers of the kernel parity table: bf16 rounding on the host, device
// uploads and downloads, random inputs, and the error measure.
#pragma once

#include "backend/cuda/context.hpp"
#include "backend/cuda/device_buffer.hpp"
#include "check.hpp"
#include "kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace llmctl::cuda::test {

inline bf16_t bf16_bits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<bf16_t>(bits >> 16);
}
inline float bf16_value(bf16_t b) {
  const std::uint32_t bits = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
// Values representable in bf16, so the CPU reference sees the GPU's inputs.
inline std::vector<float> random_bf16(std::size_t n, float scale, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-scale, scale);
  std::vector<float> v(n);
  for (float& x : v) x = bf16_value(bf16_bits(u(rng)));
  return v;
}
inline DeviceBuffer upload_bf16(const std::vector<float>& v) {
  std::vector<bf16_t> h(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) h[i] = bf16_bits(v[i]);
  DeviceBuffer d(std::max<std::size_t>(1, h.size()) * 2);
  LLMCTL_CUDA_CHECK(cudaMemcpy(d.data(), h.data(), h.size() * 2, cudaMemcpyHostToDevice));
  return d;
}
template <typename T>
DeviceBuffer upload(const std::vector<T>& v) {
  DeviceBuffer d(std::max<std::size_t>(1, v.size()) * sizeof(T));
  LLMCTL_CUDA_CHECK(cudaMemcpy(d.data(), v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  return d;
}
inline std::vector<float> download_bf16(const DeviceBuffer& d, std::size_t n) {
  std::vector<bf16_t> h(n);
  LLMCTL_CUDA_CHECK(cudaMemcpy(h.data(), d.data(), n * 2, cudaMemcpyDeviceToHost));
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = bf16_value(h[i]);
  return v;
}
template <typename T>
std::vector<T> download(const DeviceBuffer& d, std::size_t n) {
  std::vector<T> h(n);
  LLMCTL_CUDA_CHECK(cudaMemcpy(h.data(), d.data(), n * sizeof(T), cudaMemcpyDeviceToHost));
  return h;
}
// max |got - want| / max(1, max |want|).
inline double rel_error(const std::vector<float>& got, const std::vector<float>& want) {
  double scale = 1.0, err = 0.0;
  for (float w : want) scale = std::max(scale, static_cast<double>(std::fabs(w)));
  for (std::size_t i = 0; i < want.size() && i < got.size(); ++i)
    err = std::max(err, std::fabs(static_cast<double>(got[i]) - want[i]));
  if (got.size() != want.size()) return 1e30;
  return err / scale;
}

}  // namespace llmctl::cuda::test
