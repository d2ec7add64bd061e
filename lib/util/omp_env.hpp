// libgomp's wait policy for the engine commands. By default idle OpenMP
// threads spin between parallel regions; the CPU backend runs ~300 regions a
// decode step, and on shared cores the spinning threads steal the cycles the
// working ones need (measured: batch-1 decode 0.8 tok/s spinning vs 12.5
// passive at load 4 on 2 cores). libgomp reads OMP_WAIT_POLICY only when it
// is loaded, before main(), so the engine commands re-execute themselves once
// with OMP_WAIT_POLICY=passive when the user has not chosen a policy.
#pragma once

namespace llmctl {

// Re-executes the process (same argv) with OMP_WAIT_POLICY=passive when
// argv names one of the engine commands (run, serve, bench) and the variable
// is unset. Returns only when no re-exec was needed or it failed.
void ensure_passive_omp_wait(int argc, char** argv);

}  // namespace llmctl
