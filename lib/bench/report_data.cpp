// Machine-readable results: vLLM's JSON field names and a per-request CSV.
#include "bench/report.hpp"

#include <fmt/format.h>

#include <cmath>

namespace llmctl::bench {

namespace {

std::string p_key(double p) {
  return p == std::floor(p) ? fmt::format("{}", static_cast<long long>(p)) : fmt::format("{}", p);
}

void put_distribution(nlohmann::json& j, const std::string& name, const Distribution& d) {
  j["mean_" + name + "_ms"] = d.mean;
  j["median_" + name + "_ms"] = d.median;
  j["std_" + name + "_ms"] = d.std;
  for (const auto& [p, v] : d.percentiles) j["p" + p_key(p) + "_" + name + "_ms"] = v;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\"\"";
    else out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

nlohmann::json result_json(const RunInfo& info, const BenchmarkMetrics& m, const std::vector<RequestResult>& results) {
  nlohmann::json j;
  j["date"] = info.date;
  j["endpoint_type"] = info.backend;
  j["backend"] = info.backend;
  j["label"] = nullptr;
  j["model_id"] = info.model_id;
  j["tokenizer_id"] = info.tokenizer_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.tokenizer_id);
  j["num_prompts"] = info.num_prompts;
  j["request_rate"] = std::isinf(info.request_rate) ? nlohmann::json("inf") : nlohmann::json(info.request_rate);
  j["burstiness"] = info.burstiness;
  j["max_concurrency"] = info.max_concurrency > 0 ? nlohmann::json(info.max_concurrency) : nlohmann::json(nullptr);
  j["duration"] = m.duration_s;
  j["completed"] = m.completed;
  j["failed"] = m.failed;
  j["total_input_tokens"] = m.total_input;
  j["total_output_tokens"] = m.total_output;
  j["request_throughput"] = m.request_throughput;
  j["request_goodput"] = info.goodput.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.request_goodput);
  j["output_throughput"] = m.output_throughput;
  j["total_token_throughput"] = m.total_token_throughput;
  auto& input_lens = j["input_lens"] = nlohmann::json::array();
  auto& ttfts = j["ttfts"] = nlohmann::json::array();
  auto& itls = j["itls"] = nlohmann::json::array();
  auto& latencies = j["latencies"] = nlohmann::json::array();
  auto& start_times = j["start_times"] = nlohmann::json::array();
  auto& queue_times = j["queue_times"] = nlohmann::json::array();
  auto& texts = j["generated_texts"] = nlohmann::json::array();
  auto& errors = j["errors"] = nlohmann::json::array();
  auto& sources = j["llmctl_output_token_sources"] = nlohmann::json::array();
  auto& lags = j["llmctl_send_lags"] = nlohmann::json::array();
  for (const auto& r : results) {
    input_lens.push_back(r.prompt_len);
    ttfts.push_back(r.ttft);
    itls.push_back(r.itl);
    latencies.push_back(r.latency);
    start_times.push_back(r.start_s);
    queue_times.push_back(r.queue_time());
    texts.push_back(r.generated_text);
    errors.push_back(r.error);
    sources.push_back(to_string(r.output_source));
    lags.push_back(r.send_lag());
  }
  j["output_lens"] = m.output_lens;
  j["max_output_tokens_per_s"] = m.max_output_tokens_per_s;
  j["max_concurrent_requests"] = m.max_concurrent_requests;
  put_distribution(j, "ttft", m.ttft);
  put_distribution(j, "tpot", m.tpot);
  put_distribution(j, "itl", m.itl);
  put_distribution(j, "e2el", m.e2el);
  put_distribution(j, "llmctl_send_lag", m.send_lag);
  j["llmctl_achieved_request_rate"] = m.achieved_request_rate;
  return j;
}

std::string requests_csv(const std::vector<RequestResult>& results, const BenchmarkMetrics& m) {
  std::string out =
      "index,success,http_status,scheduled_s,start_s,send_lag_ms,queue_ms,prompt_tokens,prompt_tokens_source,"
      "output_tokens,output_tokens_source,text_chunks,ttft_ms,tpot_ms,e2el_ms,mean_itl_ms,max_itl_ms,error\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    double itl_sum = 0, itl_max = 0;
    for (double g : r.itl) {
      itl_sum += g;
      itl_max = std::max(itl_max, g);
    }
    const double itl_mean = r.itl.empty() ? 0.0 : itl_sum / static_cast<double>(r.itl.size());
    out += fmt::format("{},{},{},{:.6f},{:.6f},{:.3f},{:.3f},{},{},{},{},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{}\n", i,
                       r.success ? 1 : 0, r.http_status, r.scheduled_s, r.start_s, r.send_lag() * 1000.0,
                       r.queue_time() * 1000.0, r.prompt_len, to_string(r.prompt_source), r.output_tokens,
                       to_string(r.output_source), r.text_chunks, r.ttft * 1000.0,
                       i < m.tpots.size() ? m.tpots[i] * 1000.0 : 0.0, r.latency * 1000.0, itl_mean * 1000.0,
                       itl_max * 1000.0, csv_field(r.error));
  }
  return out;
}

}  // namespace llmctl::bench
