#include "check.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

namespace llmctl::cuda {

void throw_cuda_error(const char* expr, int code, const char* name, const char* text, const char* file, int line) {
  throw runtime_error(fmt::format("CUDA error {} ({}: {}) in {} at {}:{}", code, name ? name : "?", text ? text : "?",
                                  expr, file, line),
                      "run `nvidia-smi` to check the device; CUDA_LAUNCH_BLOCKING=1 pins an asynchronous fault "
                      "to the kernel that caused it");
}

}  // namespace llmctl::cuda
