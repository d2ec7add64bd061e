#include "engine/scheduler_output.hpp"

namespace llmctl::engine {

std::int64_t SchedulerOutput::num_logits_rows() const {
  std::int64_t n = 0;
  for (const ScheduledSequence& s : seqs) n += s.needs_logits ? 1 : 0;
  return n;
}

}  // namespace llmctl::engine
