// `llmctl size --explain`: every figure of the report as its formula with the
// numbers substituted, step by step, so each can be checked by hand.
#pragma once

#include "sizing/plan.hpp"

#include <string>
#include <vector>

namespace llmctl {

struct ExplainStep {
  std::string figure;       // "KV cache per token"
  std::string formula;      // "layers x per-layer bytes"
  std::string substituted;  // "28 x 4,096 B"
  std::string result;       // "114,688 B"
};

std::vector<ExplainStep> explain_report(const SizeReport& report);

}  // namespace llmctl
