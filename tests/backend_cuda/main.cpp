// The GPU tests' main: without a usable CUDA device the whole binary exits
// 125, which ctest reports as skipped (SKIP_RETURN_CODE, cmake/cuda.cmake).
#define DOCTEST_CONFIG_IMPLEMENT
#include "backend/cuda/cuda_runner.hpp"

#include <doctest/doctest.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (!llmctl::cuda::cuda_device_available()) {
    std::fprintf(stderr, "llmctl_tests_backend_cuda: no CUDA device (%s): skipped\n",
                 llmctl::cuda::cuda_unavailable_reason().c_str());
    return 125;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
