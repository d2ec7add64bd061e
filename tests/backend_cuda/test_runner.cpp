// End-to-end: CudaModelRunner against transformers' golden logits and greedy
// continuations (tests/data/models, the CPU backend's fixture) for single
// sequences, chunked mixed batches, prefix-cache hits and preemption, plus
// device sampling through the Engine versus host sampling of the same logits.
//
// bf16 weights and activations cannot promise the fp32 reference's exact
// greedy path on every step, so a continuation must equal the golden one up
// to its first difference, and there the golden token's logit must be within
// kTieTol (relative to the row's scale) of the GPU's best: a near-tie, the
// criterion of vLLM's check_logprobs_close.
#include "backend/cuda/cuda_model_runner.hpp"
#include "backend_cpu/golden_fixture.hpp"
#include "engine/engine.hpp"
#include "engine/sampler.hpp"
#include "engine/scheduler.hpp"

#include <doctest/doctest.h>

using namespace llmctl;
using namespace llmctl::backend::cpu::test;
using engine::TokenId;

namespace {

constexpr double kLogitTol = 3e-2;  // bf16 vs fp32, relative to the row's largest logit
constexpr double kTieTol = 3e-2;

std::unique_ptr<cuda::CudaModelRunner> cuda_runner(const std::string& name, std::int64_t blocks, bool graphs = true,
                                                   bool device_sampling = false) {
  ModelConfig config = load_model_config(model_dir(name) / "config.json");
  ModelWeights weights = load_weights(model_dir(name), config);
  cuda::CudaRunnerOptions o;
  o.num_kv_blocks = blocks;
  o.max_model_len = 128;
  o.max_num_seqs = 8;
  o.max_num_batched_tokens = 128;
  o.cuda_graphs = graphs;
  o.device_sampling = device_sampling;
  return std::make_unique<cuda::CudaModelRunner>(config, weights, o, nullptr);
}

engine::SamplingParams greedy(std::int64_t n) {
  engine::SamplingParams p;
  p.temperature = 0.0;
  p.max_tokens = n;
  p.verify_and_normalize();
  return p;
}

struct Run {
  std::map<std::string, std::vector<TokenId>> outputs;
  std::map<std::string, std::int64_t> first_start;
  std::int64_t preemptions = 0;
};

// The step loop with host sampling; a request in `expected` is forced onto its
// expected tokens after checking each step's near-tie criterion (so one
// rounding flip does not derail the rest of the comparison).
Run run_loop(cuda::CudaModelRunner& runner, engine::Scheduler& scheduler,
             const std::map<std::string, std::vector<TokenId>>& expected) {
  engine::Sampler sampler;
  engine::Logits logits;
  Run r;
  for (int step = 0; scheduler.has_unfinished(); ++step) {
    REQUIRE(step < 10000);
    auto plan = scheduler.schedule();
    r.preemptions += static_cast<std::int64_t>(plan.preempted_ids.size());
    if (plan.empty()) continue;
    for (const auto& s : plan.seqs)
      if (s.is_new && !r.first_start.count(s.request_id)) r.first_start[s.request_id] = s.start;
    runner.execute(plan, engine::make_model_batch(plan, 16), logits);
    auto sampled = sampler.sample(plan, logits);
    std::int64_t row = 0;
    std::size_t k = 0;
    for (const auto& s : plan.seqs) {
      if (!s.needs_logits) continue;
      auto it = expected.find(s.request_id);
      const auto n = s.seq->output_token_ids().size();
      if (it != expected.end() && n < it->second.size()) {
        const TokenId want = it->second[n];
        const auto x = logits.row(row);
        double scale = 1.0;
        for (float v : x) scale = std::max(scale, static_cast<double>(std::fabs(v)));
        const float best = *std::max_element(x.begin(), x.end());
        CAPTURE(s.request_id);
        CAPTURE(n);
        CHECK((best - x[static_cast<std::size_t>(want)]) / scale <= kTieTol);
        sampled[k].token = want;
      }
      ++row;
      ++k;
    }
    for (auto& u : scheduler.update_from_output(plan, sampled, nullptr))
      if (u.finished) {
        const auto out = u.finished->output_token_ids();
        r.outputs[u.request_id] = std::vector<TokenId>(out.begin(), out.end());
      }
  }
  return r;
}

engine::Scheduler make_scheduler(std::int64_t blocks, std::int64_t budget, std::int64_t seqs = 8) {
  engine::SchedulerConfig c;
  c.max_num_batched_tokens = budget;
  c.max_num_seqs = seqs;
  c.max_model_len = 128;
  return engine::Scheduler(c, engine::BlockManager(blocks, 16, true));
}

}  // namespace

TEST_CASE("runner: prompt logits match transformers within bf16 tolerance") {
  for (const auto& name : kGoldenModels) {
    CAPTURE(name);
    auto runner = cuda_runner(name, 16);
    double worst = 0.0;
    for (const auto& g : load_golden(name)) {
      std::vector<std::int32_t> positions;
      for (const auto& [pos, row] : g.rows) positions.push_back(pos);
      engine::Logits logits;
      runner->forward(single_batch(g.input_ids, 16, positions), logits);
      REQUIRE(logits.num_rows == static_cast<std::int64_t>(positions.size()));
      for (std::size_t i = 0; i < positions.size(); ++i)
        worst = std::max(worst, row_rel_error(logits.row(static_cast<std::int64_t>(i)), g.rows.at(positions[i])));
    }
    MESSAGE(name << ": max relative logit error " << worst);
    CHECK(worst < kLogitTol);
  }
}

TEST_CASE("runner: greedy single sequences, chunked batches, prefix hits and preemption follow the golden path") {
  for (const auto& name : kGoldenModels) {
    CAPTURE(name);
    const auto golden = load_golden(name);
    std::map<std::string, std::vector<TokenId>> expected;
    for (std::size_t i = 0; i < golden.size(); ++i) expected["r" + std::to_string(i)] = golden[i].greedy;
    {  // a chunked mixed batch (12-token budget)
      auto runner = cuda_runner(name, 64);
      auto sch = make_scheduler(64, 12, 4);
      for (std::size_t i = 0; i < golden.size(); ++i)
        sch.add(std::make_unique<engine::Sequence>("r" + std::to_string(i), golden[i].input_ids, greedy(32)));
      const auto r = run_loop(*runner, sch, expected);
      for (std::size_t i = 0; i < golden.size(); ++i) CHECK(r.outputs.at("r" + std::to_string(i)).size() == 32);
    }
    {  // preemption by recompute: 8 blocks cannot hold all four to the end
      auto runner = cuda_runner(name, 8);
      auto sch = make_scheduler(8, 64);
      for (std::size_t i = 0; i < golden.size(); ++i)
        sch.add(std::make_unique<engine::Sequence>("r" + std::to_string(i), golden[i].input_ids, greedy(32)));
      const auto r = run_loop(*runner, sch, expected);
      CHECK(r.preemptions > 0);
    }
    {  // prefix-cache hits: the prompt + 22 generated tokens again, twice in one batch
      const auto& g = golden[0];
      auto runner = cuda_runner(name, 32);
      auto sch = make_scheduler(32, 64);
      sch.add(std::make_unique<engine::Sequence>("first", g.input_ids, greedy(32)));
      run_loop(*runner, sch, {{"first", g.greedy}});
      std::vector<TokenId> longer = g.input_ids;
      longer.insert(longer.end(), g.greedy.begin(), g.greedy.begin() + 22);
      const std::vector<TokenId> tail(g.greedy.begin() + 22, g.greedy.end());
      sch.add(std::make_unique<engine::Sequence>("again", longer, greedy(static_cast<std::int64_t>(tail.size()))));
      sch.add(std::make_unique<engine::Sequence>("twice", longer, greedy(static_cast<std::int64_t>(tail.size()))));
      const auto r = run_loop(*runner, sch, {{"again", tail}, {"twice", tail}});
      CHECK(r.first_start.at("again") > 0);
      CHECK(r.first_start.at("twice") > 0);
    }
  }
}

TEST_CASE("runner: device sampling through the Engine equals host sampling of the same logits") {
  const auto golden = load_golden("qwen3-untied");
  engine::SchedulerConfig c;
  c.max_num_batched_tokens = 32;
  c.max_num_seqs = 4;
  c.max_model_len = 128;
  auto run = [&](bool graphs, bool device_sampling, bool sample_randomly) {
    auto runner = cuda_runner("qwen3-untied", 32, graphs, device_sampling);
    engine::Engine eng(c, engine::BlockManager(32, 16, true), *runner, 1);
    for (std::size_t i = 0; i < golden.size(); ++i) {
      engine::SamplingParams p = greedy(24);
      if (sample_randomly) {
        p.temperature = 0.8;
        p.top_k = 20;
        p.top_p = 0.9;
        p.seed = static_cast<std::int64_t>(i) + 3;
        p.verify_and_normalize();
      }
      eng.add("r" + std::to_string(i), golden[i].input_ids, p);
    }
    std::map<std::string, std::vector<TokenId>> out;
    while (eng.has_unfinished())
      for (auto& u : eng.step()) out[u.request_id].push_back(u.token);
    return out;
  };
  CHECK(run(true, true, false) == run(true, false, false));
  CHECK(run(true, true, true) == run(true, false, true));
  // Graphs pad the batch: cuBLASLt may pick another algorithm for the padded
  // shape, so bit-equality with eager decode is expected but not guaranteed.
  WARN(run(false, false, false) == run(true, false, false));
}

TEST_CASE("runner: the memory planner sizes the KV cache from gpu_memory_utilization") {
  ModelConfig config = load_model_config(model_dir("qwen3-tied") / "config.json");
  ModelWeights weights = load_weights(model_dir("qwen3-tied"), config);
  cuda::CudaRunnerOptions o;
  o.max_model_len = 128;
  o.max_num_seqs = 16;
  o.max_num_batched_tokens = 256;
  o.gpu_memory_utilization = 0.5;
  cuda::CudaMemoryReport report;
  auto runner = cuda::make_cuda_runner(config, weights, o, &report);
  MESSAGE(report.summary());
  CHECK(report.num_blocks > 0);
  CHECK(report.kv_bytes_per_token == report.predicted_kv_bytes_per_token);
  CHECK(report.weight_bytes >= report.predicted_weight_bytes);
  CHECK(report.peak_used_bytes <= static_cast<std::int64_t>(0.5 * static_cast<double>(report.total_bytes)) + (64 << 20));
}
