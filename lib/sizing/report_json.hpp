// The size report as JSON (and YAML): stable snake_case names documented in
// docs/size.md. Every byte quantity is an object {"bytes": <int>, "human": "3.20 GiB"}.
#pragma once

#include "sizing/explain.hpp"
#include "sizing/plan.hpp"
#include "util/output.hpp"

namespace llmctl {

// {"bytes": n, "human": format_bytes(n)}; a negative n keeps its sign in both.
Json bytes_json(std::int64_t bytes);

Json vllm_prediction_to_json(const VllmPrediction& prediction, std::uint64_t max_model_len);
Json fit_to_json(const Fit& fit, std::uint64_t max_model_len);

// `explain` is included when non-empty; `weights_source_kind` etc. come from the report.
Json size_report_to_json(const SizeReport& report, const std::vector<ExplainStep>& explain);

}  // namespace llmctl
