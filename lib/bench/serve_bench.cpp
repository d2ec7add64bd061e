#include "bench/serve_bench.hpp"

#include "bench/arrival.hpp"
#include "bench/progress.hpp"
#include "text/tokenizer/tokenizer.hpp"
#include "util/error.hpp"

#include <curl/curl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace llmctl::bench {

namespace fs = std::filesystem;

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t nmemb, void* userp) {
  static_cast<std::string*>(userp)->append(data, size * nmemb);
  return size * nmemb;
}

// vLLM's default model: the first id of GET /v1/models.
std::string first_served_model(const std::string& base_url, const std::string& api_key) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
  std::string body;
  const std::string url = base_url + "/v1/models";
  curl_slist* headers = nullptr;
  if (!api_key.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + api_key).c_str());
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(easy.get());
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  const std::string hint = "check --base-url, or name the model with --model";
  if (rc != CURLE_OK) throw runtime_error(fmt::format("GET {}: {}", url, curl_easy_strerror(rc)), hint);
  if (status != 200) throw runtime_error(fmt::format("GET {}: HTTP {}", url, status), hint);
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.contains("data") || !j["data"].is_array() || j["data"].empty() ||
      !j["data"][0].contains("id") || !j["data"][0]["id"].is_string())
    throw runtime_error(fmt::format("GET {}: no models listed", url), hint);
  return j["data"][0]["id"].get<std::string>();
}

std::unique_ptr<tok::Tokenizer> load_tokenizer(const ServeBenchOptions& o, std::string& id) {
  std::string where = o.tokenizer;
  if (where.empty() && !o.model.empty() && fs::is_directory(o.model)) where = o.model;
  if (where.empty()) return nullptr;
  fs::path path = where;
  if (fs::is_directory(path)) path /= "tokenizer.json";
  if (!fs::exists(path))
    throw usage_error(fmt::format("no tokenizer.json at {}", path.string()), "--tokenizer takes a model directory or a tokenizer.json");
  id = where;
  return std::make_unique<tok::Tokenizer>(tok::Tokenizer::from_file(path));
}

std::string now_stamp() {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  return fmt::format("{:%Y%m%d-%H%M%S}", local);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw runtime_error(fmt::format("cannot write {}", path));
}

}  // namespace

std::vector<std::int64_t> parse_sweep(const std::string& text) {
  const auto eq = text.find('=');
  const std::string key = text.substr(0, eq);
  if (eq == std::string::npos || (key != "concurrency" && key != "max-concurrency" && key != "max_concurrency"))
    throw usage_error(fmt::format("unsupported --sweep '{}'", text), "use --sweep concurrency=1,4,16,64");
  std::vector<std::int64_t> values;
  std::stringstream ss(text.substr(eq + 1));
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t used = 0;
      const long long v = std::stoll(item, &used);
      if (used != item.size() || v <= 0) throw std::invalid_argument(item);
      values.push_back(v);
    } catch (const std::logic_error&) {
      throw usage_error(fmt::format("--sweep: '{}' is not a positive concurrency", item));
    }
  }
  if (values.empty()) throw usage_error("--sweep names no values", "use --sweep concurrency=1,4,16,64");
  return values;
}

std::vector<ServeRun> run_serve_bench(const ServeBenchOptions& o, const ServeBenchHooks& hooks) {
  const auto log = [&](const std::string& line) {
    if (hooks.log) hooks.log(line);
  };
  const auto percentiles = parse_percentiles(o.percentiles);
  const Goodput goodput = parse_goodput(o.goodput);
  const std::vector<std::int64_t> sweep = o.sweep.empty() ? std::vector<std::int64_t>{o.max_concurrency} : parse_sweep(o.sweep);
  std::string base = o.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();

  ClientConfig cfg;
  cfg.endpoint = endpoint_kind(o.endpoint);
  cfg.url = base + o.endpoint;
  cfg.api_key = o.api_key;
  cfg.ignore_eos = o.ignore_eos;
  cfg.temperature = o.temperature;
  cfg.model = o.model.empty() ? first_served_model(base, o.api_key) : o.model;
  if (o.model.empty()) log(fmt::format("model: {} (first of {}/v1/models)", cfg.model, base));

  std::string tokenizer_id;
  const auto tokenizer = load_tokenizer(o, tokenizer_id);
  const auto requests = load_dataset(o.dataset, tokenizer.get(), log);

  if (o.ready_check) {
    log("Starting initial single prompt test run...");
    const auto test = run_load(cfg, {requests.front()}, {0.0}, {{}, hooks.interrupted});
    if (!test.results.front().success)
      throw runtime_error(fmt::format("the initial test request to {} failed: {}", cfg.url, test.results.front().error),
                          "check --base-url, --endpoint and --model");
    log("Initial test run completed.");
  }
  if (o.warmup > 0) {
    log(fmt::format("Warming up with {} requests...", o.warmup));
    ClientConfig warm = cfg;
    warm.max_concurrency = sweep.front();
    std::vector<SampleRequest> w(static_cast<std::size_t>(o.warmup), requests.front());
    run_load(warm, w, std::vector<double>(w.size(), 0.0), {{}, hooks.interrupted});
    log("Warmup run completed.");
  }

  ArrivalOptions arrivals;
  arrivals.request_rate = o.request_rate;
  arrivals.burstiness = o.burstiness;
  arrivals.seed = o.seed;
  const auto offsets = arrival_offsets(requests.size(), arrivals);

  std::vector<ServeRun> runs;
  for (const std::int64_t concurrency : sweep) {
    if (hooks.interrupted != nullptr && hooks.interrupted->load()) break;
    cfg.max_concurrency = concurrency;
    log("Starting main benchmark run...");
    log(fmt::format("Traffic request rate: {}", o.request_rate));
    log(fmt::format("Burstiness factor: {} ({})", o.burstiness, o.burstiness == 1.0 ? "Poisson process" : "Gamma distribution"));
    log(fmt::format("Maximum request concurrency: {}", concurrency > 0 ? std::to_string(concurrency) : "None"));
    ProgressBar bar(sweep.size() > 1 ? fmt::format("c={}", concurrency) : "bench", requests.size(), hooks.progress_bar);
    LoadCallbacks cb;
    cb.progress = [&](std::size_t done, std::size_t) { bar.update(done); };
    cb.interrupted = hooks.interrupted;
    auto load = run_load(cfg, requests, offsets, cb);
    bar.finish();
    fill_token_counts(load.results, tokenizer.get());
    ServeRun run;
    run.info.backend = cfg.endpoint == Endpoint::chat_completions ? "openai-chat" : "openai";
    run.info.endpoint = o.endpoint;
    run.info.base_url = base;
    run.info.model_id = cfg.model;
    run.info.tokenizer_id = tokenizer_id;
    run.info.dataset = o.dataset.name;
    run.info.num_prompts = static_cast<std::int64_t>(requests.size());
    run.info.request_rate = o.request_rate;
    run.info.burstiness = o.burstiness;
    run.info.max_concurrency = concurrency;
    run.info.goodput = goodput;
    run.info.percentiles = percentiles;
    run.info.date = now_stamp();
    run.metrics = calculate_metrics(load.results, load.duration_s, percentiles, goodput);
    run.results = std::move(load.results);
    runs.push_back(std::move(run));
  }
  return runs;
}

void save_serve_outputs(const std::vector<ServeRun>& runs, bool sweep, const std::string& json_path,
                        const std::string& csv_path, const std::string& svg_path) {
  if (runs.empty()) return;
  if (!json_path.empty()) {
    nlohmann::json j;
    if (sweep) {
      j["sweep"] = "max_concurrency";
      j["runs"] = nlohmann::json::array();
      for (const auto& r : runs) j["runs"].push_back(result_json(r.info, r.metrics, r.results));
    } else {
      j = result_json(runs.front().info, runs.front().metrics, runs.front().results);
    }
    write_file(json_path, j.dump(2) + "\n");
  }
  if (!csv_path.empty()) {
    if (sweep) {
      const fs::path p = csv_path;
      for (const auto& r : runs) {
        fs::path each = p;
        each.replace_extension(fmt::format(".c{}{}", r.info.max_concurrency, p.extension().string()));
        write_file(each.string(), requests_csv(r.results, r.metrics));
      }
    } else {
      write_file(csv_path, requests_csv(runs.front().results, runs.front().metrics));
    }
  }
  if (!svg_path.empty()) {
    const auto& first = runs.front().info;
    if (sweep) {
      std::vector<SweepPoint> points;
      for (const auto& r : runs) points.push_back({r.info.max_concurrency, r.metrics});
      write_file(svg_path, sweep_svg(points, fmt::format("{} at {}: sweep over max concurrency", first.model_id, first.base_url)));
    } else {
      write_file(svg_path, latency_cdf_svg(runs.front().results, runs.front().metrics,
                                           fmt::format("{} at {}: latency CDFs", first.model_id, first.base_url)));
    }
  }
}

}  // namespace llmctl::bench
