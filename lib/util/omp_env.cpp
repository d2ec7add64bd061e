#include "util/omp_env.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace llmctl {

void ensure_passive_omp_wait(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  bool engine_command = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    engine_command = arg == "run" || arg == "serve" || arg == "bench";
    break;  // the first word is the subcommand
  }
  if (!engine_command) return;
  if (setenv("OMP_WAIT_POLICY", "passive", 0) != 0) return;
  execv("/proc/self/exe", argv);
  // execv failed (no /proc): go on with the default policy.
}

}  // namespace llmctl
