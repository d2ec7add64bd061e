// The size report as readable text: model and sources, parameters, weights
// by precision, KV cache, memory per GPU, vLLM's prediction, the fit (or the
// fit table across the catalog), the guide's method and the explanation.
#pragma once

#include "sizing/explain.hpp"
#include "sizing/plan.hpp"

#include <string>
#include <vector>

namespace llmctl {

std::string render_size_report(const SizeReport& report, const std::vector<ExplainStep>& explain, bool color);

}  // namespace llmctl
