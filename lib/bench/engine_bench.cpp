#include "bench/engine_bench.hpp"

#include "sizing/parameters.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <cmath>
#include <random>

namespace llmctl::bench {

namespace {

std::vector<engine::TokenId> random_ids(std::int64_t n, std::uint64_t vocab, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::uint64_t> pick(0, vocab > 0 ? vocab - 1 : 0);
  std::vector<engine::TokenId> ids(static_cast<std::size_t>(n));
  for (auto& id : ids) id = static_cast<engine::TokenId>(pick(rng));
  return ids;
}

engine::SamplingParams greedy(const runtime::ModelSession& s, std::int64_t max_tokens) {
  engine::SamplingParams p = s.sampling_defaults();
  p.temperature = 0.0;
  p.max_tokens = max_tokens;
  p.ignore_eos = true;
  s.finish_params(p);
  return p;
}

// Runs `batch` requests of `prompt_len` ids for `gen` tokens; returns the engine's stats.
engine::EngineStats drive(const runtime::ModelSession& s, std::int64_t batch, std::int64_t prompt_len, std::int64_t gen,
                          std::mt19937_64& rng) {
  auto eng = s.make_engine(rng());
  const auto params = greedy(s, gen);
  for (std::int64_t i = 0; i < batch; ++i)
    eng->add(fmt::format("b{}", i), random_ids(prompt_len, s.model.config.vocab_size, rng), params);
  while (eng->has_unfinished()) eng->step();
  return eng->stats();
}

void summarize(EngineBenchRow& row) {
  const auto n = static_cast<double>(row.samples.size());
  double sum = 0;
  for (double v : row.samples) sum += v;
  row.mean = n > 0 ? sum / n : 0;
  double sq = 0;
  for (double v : row.samples) sq += (v - row.mean) * (v - row.mean);
  row.sd = n > 1 ? std::sqrt(sq / (n - 1)) : 0.0;  // llama-bench: sample standard deviation
}

std::string human_params(std::uint64_t p) {
  if (p >= 1'000'000'000) return fmt::format("{:.2f} B", static_cast<double>(p) / 1e9);
  return fmt::format("{:.2f} M", static_cast<double>(p) / 1e6);
}

}  // namespace

EngineBenchResult run_engine_bench(const EngineBenchOptions& o, const std::function<void(const std::string&)>& log) {
  if (o.repetitions <= 0) throw usage_error("-r/--repetitions must be positive");
  const auto say = [&](const std::string& line) {
    if (log) log(line);
  };
  runtime::SessionOptions so = o.session;
  so.enable_prefix_caching = false;  // repetitions must recompute their prompts
  std::int64_t longest = 1;
  for (auto p : o.prompt_lens) longest = std::max(longest, p + 1);
  for (auto n : o.gen_lens) longest = std::max(longest, n + 2);
  if (o.num_prompts > 0) longest = std::max(longest, o.input_len + o.output_len);
  const runtime::ModelSession s = runtime::open_session(so, say);
  if (s.scheduler.max_model_len < longest)
    throw usage_error(fmt::format("the tests need {} positions, the model allows {}", longest, s.scheduler.max_model_len),
                      "lower -p/-n (or --input-len/--output-len), or raise --max-model-len");

  EngineBenchResult result;
  result.info.model = s.model.name;
  result.info.size_bytes = s.memory.weight_bytes;
  result.info.params = count_parameters(s.model.config).total;
  result.info.device = s.memory.device;
  result.info.backend = s.memory.device == "cpu" ? "CPU" : "CUDA";
  result.info.threads = omp_get_max_threads();
  std::mt19937_64 rng(o.seed);

  if (o.num_prompts > 0) {
    say(fmt::format("throughput: {} prompts of {} tokens, {} output tokens each", o.num_prompts, o.input_len, o.output_len));
    auto eng = s.make_engine(rng());
    const auto params = greedy(s, o.output_len);
    ThroughputResult t;
    t.num_prompts = o.num_prompts;
    std::vector<std::vector<engine::TokenId>> prompts;
    for (std::int64_t i = 0; i < o.num_prompts; ++i) prompts.push_back(random_ids(o.input_len, s.model.config.vocab_size, rng));
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < o.num_prompts; ++i) eng->add(fmt::format("r{}", i), prompts[static_cast<std::size_t>(i)], params);
    while (eng->has_unfinished()) {
      for (auto& u : eng->step()) {
        ++t.output_tokens;
        (void)u;
      }
    }
    t.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    t.prompt_tokens = o.num_prompts * o.input_len;
    t.preemptions = eng->stats().preemptions;
    result.throughput = t;
    return result;
  }

  say("warm-up run");
  drive(s, 1, 16, 4, rng);
  for (const auto batch : o.batches) {
    for (const auto p : o.prompt_lens) {
      if (p <= 0) continue;
      EngineBenchRow row;
      row.test = fmt::format("pp{}", p);
      row.batch = batch;
      row.n_prompt = p;
      for (std::int64_t r = 0; r < o.repetitions; ++r) {
        const auto st = drive(s, batch, p, 1, rng);
        row.samples.push_back(st.prefill_seconds > 0 ? static_cast<double>(batch * p) / st.prefill_seconds : 0.0);
      }
      summarize(row);
      say(fmt::format("{} batch {}: {:.2f} ± {:.2f} t/s", row.test, batch, row.mean, row.sd));
      result.rows.push_back(std::move(row));
    }
    for (const auto n : o.gen_lens) {
      if (n <= 0) continue;
      EngineBenchRow row;
      row.test = fmt::format("tg{}", n);
      row.batch = batch;
      row.n_gen = n;
      for (std::int64_t r = 0; r < o.repetitions; ++r) {
        // One prompt token; the first output token comes from its prefill step, the
        // other n - 1 from decode-only steps, which are what is timed.
        const auto st = drive(s, batch, 1, n, rng);
        row.samples.push_back(st.decode_seconds > 0 ? static_cast<double>(st.decode_tokens) / st.decode_seconds : 0.0);
      }
      summarize(row);
      say(fmt::format("{} batch {}: {:.2f} ± {:.2f} t/s", row.test, batch, row.mean, row.sd));
      result.rows.push_back(std::move(row));
    }
  }
  return result;
}

std::string engine_table_md(const EngineBenchResult& r) {
  std::string out;
  if (r.throughput) {
    const auto& t = *r.throughput;
    out += fmt::format("Throughput: {:.2f} requests/s, {:.2f} total tokens/s, {:.2f} output tokens/s\n", t.requests_per_s(),
                       t.total_tokens_per_s(), t.output_tokens_per_s());
    out += fmt::format("Total num prompt tokens:  {}\n", t.prompt_tokens);
    out += fmt::format("Total num output tokens:  {}\n", t.output_tokens);
    out += fmt::format("Elapsed time (s):         {:.2f}\n", t.elapsed_s);
    out += fmt::format("Preemptions:              {}\n", t.preemptions);
    return out;
  }
  out += fmt::format("| {:<30} | {:>10} | {:>10} | {:<10} | {:>7} | {:>5} | {:>13} | {:>20} |\n", "model", "size", "params",
                     "backend", "threads", "batch", "test", "t/s");
  out += fmt::format("| {:-<30} | {:->9}: | {:->9}: | {:-<10} | {:->6}: | {:->4}: | {:->12}: | {:->19}: |\n", "", "", "", "", "",
                     "", "", "");
  const std::string size = fmt::format("{:.2f} GiB", static_cast<double>(r.info.size_bytes) / (1024.0 * 1024.0 * 1024.0));
  for (const auto& row : r.rows) {
    out += fmt::format("| {:<30} | {:>10} | {:>10} | {:<10} | {:>7} | {:>5} | {:>13} | {:>20} |\n", r.info.model, size,
                       human_params(r.info.params), r.info.backend, r.info.threads, row.batch, row.test,
                       fmt::format("{:.2f} ± {:.2f}", row.mean, row.sd));
  }
  return out;
}

std::string engine_csv(const EngineBenchResult& r) {
  if (r.throughput) {
    const auto& t = *r.throughput;
    return fmt::format("model,backend,num_prompts,prompt_tokens,output_tokens,elapsed_s,requests_per_s,total_tokens_per_s,"
                       "output_tokens_per_s\n{},{},{},{},{},{:.6f},{:.4f},{:.4f},{:.4f}\n",
                       r.info.model, r.info.backend, t.num_prompts, t.prompt_tokens, t.output_tokens, t.elapsed_s,
                       t.requests_per_s(), t.total_tokens_per_s(), t.output_tokens_per_s());
  }
  std::string out = "model,model_size,model_n_params,backend,n_threads,n_batch,n_prompt,n_gen,test,avg_ts,stddev_ts\n";
  for (const auto& row : r.rows)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{:.6f},{:.6f}\n", r.info.model, r.info.size_bytes, r.info.params,
                       r.info.backend, r.info.threads, row.batch, row.n_prompt, row.n_gen, row.test, row.mean, row.sd);
  return out;
}

nlohmann::json engine_json(const EngineBenchResult& r) {
  nlohmann::json j;
  j["model"] = r.info.model;
  j["model_size"] = r.info.size_bytes;
  j["model_n_params"] = r.info.params;
  j["backend"] = r.info.backend;
  j["device"] = r.info.device;
  j["n_threads"] = r.info.threads;
  if (r.throughput) {
    const auto& t = *r.throughput;
    j["throughput"] = {{"num_prompts", t.num_prompts}, {"total_num_tokens", t.prompt_tokens + t.output_tokens},
                       {"total_output_tokens", t.output_tokens}, {"elapsed_time", t.elapsed_s},
                       {"requests_per_second", t.requests_per_s()}, {"tokens_per_second", t.total_tokens_per_s()},
                       {"output_tokens_per_second", t.output_tokens_per_s()}, {"preemptions", t.preemptions}};
    return j;
  }
  j["tests"] = nlohmann::json::array();
  for (const auto& row : r.rows)
    j["tests"].push_back({{"test", row.test}, {"n_batch", row.batch}, {"n_prompt", row.n_prompt}, {"n_gen", row.n_gen},
                          {"avg_ts", row.mean}, {"stddev_ts", row.sd}, {"samples_ts", row.samples}});
  return j;
}

}  // namespace llmctl::bench
