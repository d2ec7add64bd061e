#include "engine/scheduler.hpp"

#include "engine_sim.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <random>
#include <set>

using namespace llmctl::engine;
using namespace llmctl::engine::test;

namespace {

SchedulerConfig config_of(std::int64_t budget, std::int64_t max_seqs, std::int64_t max_model_len) {
  SchedulerConfig c;
  c.max_num_batched_tokens = budget;
  c.max_num_seqs = max_seqs;
  c.max_model_len = max_model_len;
  return c;
}

// One step where every sequence that samples gets `token`.
std::vector<SequenceUpdate> step_with(Scheduler& s, TokenId token, StopChecker* checker = nullptr) {
  SchedulerOutput plan = s.schedule();
  std::vector<SampledToken> sampled(static_cast<std::size_t>(plan.num_logits_rows()), SampledToken{token, {}});
  return s.update_from_output(plan, sampled, checker);
}

Scheduler small_scheduler(std::int64_t max_model_len = 64) {
  return Scheduler(config_of(64, 4, max_model_len), BlockManager(32, 4));
}

}  // namespace

TEST_CASE("scheduler: a long prompt is prefilled in chunks within the token budget") {
  SimEngine sim(config_of(32, 4, 512), 64, 16);
  auto prompt = make_prompt(100, 3);
  sim.scheduler.add(make_seq("long", prompt, greedy_params(3)));
  std::vector<std::pair<std::int64_t, std::int64_t>> chunks;
  std::vector<bool> samples;
  while (sim.scheduler.has_unfinished()) {
    SchedulerOutput plan = sim.step();
    REQUIRE(plan.seqs.size() == 1);
    chunks.emplace_back(plan.seqs[0].start, plan.seqs[0].num_tokens);
    samples.push_back(plan.seqs[0].needs_logits);
  }
  using Chunk = std::pair<std::int64_t, std::int64_t>;
  CHECK(chunks == std::vector<Chunk>{{0, 32}, {32, 32}, {64, 32}, {96, 4}, {100, 1}, {101, 1}});
  CHECK(samples == std::vector<bool>{false, false, false, true, true, true});
  CHECK(sim.finished.at("long")->output_token_ids().size() == 3);
  sim.require_all_blocks_free();
}

TEST_CASE("scheduler: running decodes come before new prefills, which get the rest of the budget") {
  SimEngine sim(config_of(32, 4, 512), 64, 16);
  sim.scheduler.add(make_seq("a", make_prompt(10, 1), greedy_params(50)));
  sim.step();  // a's prefill
  sim.scheduler.add(make_seq("b", make_prompt(100, 7), greedy_params(5)));
  SchedulerOutput plan = sim.step();
  REQUIRE(plan.seqs.size() == 2);
  CHECK(plan.seqs[0].request_id == "a");
  CHECK(plan.seqs[0].num_tokens == 1);
  CHECK(plan.seqs[1].request_id == "b");
  CHECK(plan.seqs[1].num_tokens == 31);
  CHECK(plan.seqs[1].is_new);
  CHECK_FALSE(plan.seqs[1].needs_logits);
  CHECK(plan.total_num_tokens == 32);
}

TEST_CASE("scheduler: chunking switched off or capped") {
  SUBCASE("without chunked prefill a prompt must fit the remaining budget whole") {
    SchedulerConfig c = config_of(64, 4, 64);
    c.enable_chunked_prefill = false;
    SimEngine sim(c, 64, 16);
    sim.scheduler.add(make_seq("a", make_prompt(40, 1), greedy_params(4)));
    sim.scheduler.add(make_seq("b", make_prompt(40, 2), greedy_params(4)));
    SchedulerOutput first = sim.step();
    REQUIRE(first.seqs.size() == 1);  // b (40) does not fit the 24 left
    SchedulerOutput second = sim.step();
    REQUIRE(second.seqs.size() == 2);
    CHECK(second.seqs[1].num_tokens == 40);
  }
  SUBCASE("long_prefill_token_threshold caps one sequence's chunk") {
    SchedulerConfig c = config_of(64, 4, 128);
    c.long_prefill_token_threshold = 10;
    SimEngine sim(c, 64, 16);
    sim.scheduler.add(make_seq("a", make_prompt(25, 1), greedy_params(2)));
    sim.scheduler.add(make_seq("b", make_prompt(25, 2), greedy_params(2)));
    SchedulerOutput plan = sim.step();
    REQUIRE(plan.seqs.size() == 2);
    CHECK(plan.seqs[0].num_tokens == 10);
    CHECK(plan.seqs[1].num_tokens == 10);
  }
}

TEST_CASE("scheduler: the token budget and max_num_seqs hold under load") {
  SimEngine sim(config_of(64, 5, 256), 128, 16);
  std::mt19937_64 rng(7);
  std::map<std::string, std::pair<std::vector<TokenId>, std::int64_t>> requests;
  for (int i = 0; i < 40; ++i) {
    std::string id = "r" + std::to_string(i);
    auto prompt = make_prompt(1 + rng() % 150, static_cast<TokenId>(rng() % 50));
    std::int64_t max_tokens = 1 + static_cast<std::int64_t>(rng() % 40);
    requests[id] = {prompt, max_tokens};
    sim.scheduler.add(make_seq(id, prompt, greedy_params(max_tokens)));
  }
  sim.run();
  CHECK(sim.max_step_tokens == 64);  // the budget was reached, never exceeded (checked every step)
  CHECK(sim.max_running == 5);
  for (const auto& [id, request] : requests) {
    const Sequence& seq = *sim.finished.at(id);
    CHECK(seq.finish_reason() == FinishReason::length);
    auto expected = reference_output(request.first, request.second, 256);
    CHECK(std::vector<TokenId>(seq.output_token_ids().begin(), seq.output_token_ids().end()) == expected);
  }
  sim.require_all_blocks_free();
}

TEST_CASE("scheduler: preemption by recompute when blocks run out, then completion") {
  // 8 blocks of 4 tokens: one 30-token sequence fits, two do not.
  // c arrives last and waits (max_num_seqs 2).
  SimEngine sim(config_of(64, 2, 32), 8, 4);
  const auto prompt_a = make_prompt(10, 1), prompt_b = make_prompt(10, 500);
  sim.scheduler.add(make_seq("a", prompt_a, greedy_params(20)));
  sim.scheduler.add(make_seq("b", prompt_b, greedy_params(20)));
  sim.scheduler.add(make_seq("c", make_prompt(6, 300), greedy_params(4)));
  bool saw_preemption = false;
  while (sim.scheduler.has_unfinished()) {
    SchedulerOutput plan = sim.step();
    if (!plan.preempted_ids.empty()) {
      CHECK(plan.preempted_ids == std::vector<std::string>{"b"});  // the later one, FCFS
      const Sequence* b = sim.scheduler.find("b");
      REQUIRE(b != nullptr);
      CHECK(b->status() == SequenceStatus::preempted);
      CHECK(b->block_table().empty());
      CHECK(b->num_computed_tokens() == 0);
      CHECK(b->num_output_tokens() > 0);  // its output is kept and recomputed
      CHECK(sim.scheduler.num_waiting() == 2);
      for (const ScheduledSequence& s : plan.seqs) CHECK(s.request_id == "a");
      saw_preemption = true;
    }
  }
  CHECK(saw_preemption);
  // b went back to the FRONT of the queue: resumed before c is first admitted.
  CHECK(sim.admissions == std::vector<std::string>{"a", "b", "b", "c"});
  CHECK(sim.finished.at("b")->num_preemptions() == 1);
  CHECK(std::vector<TokenId>(sim.finished.at("a")->output_token_ids().begin(),
                             sim.finished.at("a")->output_token_ids().end()) == reference_output(prompt_a, 20, 32));
  CHECK(std::vector<TokenId>(sim.finished.at("b")->output_token_ids().begin(),
                             sim.finished.at("b")->output_token_ids().end()) == reference_output(prompt_b, 20, 32));
  sim.require_all_blocks_free();
}

TEST_CASE("scheduler: FCFS fairness, every request of a long queue runs and in arrival order") {
  SimEngine sim(config_of(48, 3, 96), 24, 8);
  std::vector<std::string> arrival;
  for (int i = 0; i < 60; ++i) {
    std::string id = "q" + std::to_string(i);
    arrival.push_back(id);
    sim.scheduler.add(make_seq(id, make_prompt(5 + (i * 7) % 40, static_cast<TokenId>(i)), greedy_params(5 + i % 30)));
  }
  sim.run();
  CHECK(sim.first_scheduled == arrival);
  CHECK(sim.finished.size() == 60);
  sim.require_all_blocks_free();
}

TEST_CASE("scheduler: prefix-cache hits skip the cached tokens") {
  SimEngine sim(config_of(256, 4, 256), 64, 16);
  auto shared = make_prompt(40, 11);
  sim.scheduler.add(make_seq("a", shared, greedy_params(2)));
  sim.run();
  auto prompt_b = make_prompt(32, 11);  // a's first two blocks ...
  auto tail = make_prompt(9, 600);      // ... then something else
  prompt_b.insert(prompt_b.end(), tail.begin(), tail.end());
  sim.scheduler.add(make_seq("b", prompt_b, greedy_params(2)));
  SchedulerOutput plan = sim.step();
  REQUIRE(plan.seqs.size() == 1);
  CHECK(plan.seqs[0].start == 32);
  CHECK(plan.seqs[0].num_tokens == 9);
  sim.run();
  CHECK(sim.finished.at("b")->num_cached_tokens() == 32);
  CHECK(sim.scheduler.block_manager().prefix_cache_stats().hits == 32);
}

TEST_CASE("scheduler: abort frees the blocks at once") {
  SimEngine sim(config_of(64, 4, 128), 32, 4);
  sim.scheduler.add(make_seq("a", make_prompt(30, 1), greedy_params(50)));
  sim.scheduler.add(make_seq("b", make_prompt(10, 2), greedy_params(50)));
  sim.step();
  sim.step();
  const BlockManager& bm = sim.scheduler.block_manager();
  const std::int64_t free_before = bm.num_free_blocks();
  const auto a_blocks = static_cast<std::int64_t>(sim.scheduler.find("a")->block_table().size());
  REQUIRE(a_blocks == 8);
  auto aborted = sim.scheduler.abort("a");
  REQUIRE(aborted != nullptr);
  CHECK(aborted->finish_reason() == FinishReason::abort);
  CHECK(aborted->block_table().empty());
  CHECK(bm.num_free_blocks() == free_before + a_blocks);
  CHECK(sim.scheduler.find("a") == nullptr);
  CHECK(sim.scheduler.abort("a") == nullptr);
  CHECK(sim.scheduler.abort("nobody") == nullptr);
  SchedulerOutput next = sim.step();
  CHECK(next.finished_ids == std::vector<std::string>{"a"});
  for (const ScheduledSequence& s : next.seqs) CHECK(s.request_id != "a");

  sim.scheduler.add(make_seq("c", make_prompt(10, 3), greedy_params(50)));
  CHECK(sim.scheduler.abort("c") != nullptr);  // still waiting: nothing held, gone from the queue
  CHECK(sim.scheduler.num_waiting() == 0);
  CHECK(sim.scheduler.abort("b") != nullptr);
  CHECK_FALSE(sim.scheduler.has_unfinished());
  sim.require_all_blocks_free();
}

TEST_CASE("scheduler: a sample for a sequence aborted after planning is dropped") {
  Scheduler s = small_scheduler();
  s.add(make_seq("a", {1, 2, 3}, greedy_params(10)));
  SchedulerOutput plan = s.schedule();
  s.abort("a");
  std::vector<SampledToken> sampled{{5, {}}};
  CHECK(s.update_from_output(plan, sampled, nullptr).empty());
}

TEST_CASE("scheduler: stop rules") {
  Scheduler s = small_scheduler(16);
  SUBCASE("EOS") {
    SamplingParams p = greedy_params(10);
    p.set_eos_tokens(99, {});
    s.add(make_seq("a", {1, 2, 3}, p));
    CHECK(step_with(s, 5)[0].finish_reason == FinishReason::none);
    auto updates = step_with(s, 99);
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].finish_reason == FinishReason::stop);
    CHECK(std::holds_alternative<std::monostate>(updates[0].stop_reason));
    REQUIRE(updates[0].finished);
    CHECK(updates[0].finished->output_token_ids().size() == 2);
  }
  SUBCASE("a stop token id is the stop reason; generation_config EOS ids are stop tokens") {
    SamplingParams p = greedy_params(10);
    const std::vector<TokenId> generation_eos{99, 98};
    p.set_eos_tokens(99, generation_eos);
    s.add(make_seq("a", {1, 2, 3}, p));
    auto updates = step_with(s, 98);
    CHECK(updates[0].finish_reason == FinishReason::stop);
    CHECK(std::get<TokenId>(updates[0].stop_reason) == 98);
  }
  SUBCASE("min_tokens: EOS only counts from the min_tokens-th token") {
    SamplingParams p = greedy_params(10);
    p.min_tokens = 3;
    p.set_eos_tokens(99, {});
    s.add(make_seq("a", {1, 2, 3}, p));
    CHECK(step_with(s, 99)[0].finish_reason == FinishReason::none);
    CHECK(step_with(s, 99)[0].finish_reason == FinishReason::none);
    CHECK(step_with(s, 99)[0].finish_reason == FinishReason::stop);
  }
  SUBCASE("ignore_eos and max_tokens") {
    SamplingParams p = greedy_params(3);
    p.ignore_eos = true;
    p.set_eos_tokens(99, {});
    s.add(make_seq("a", {1, 2, 3}, p));
    step_with(s, 99);
    step_with(s, 99);
    auto updates = step_with(s, 99);
    CHECK(updates[0].finish_reason == FinishReason::length);
  }
  SUBCASE("max_model_len") {
    s.add(make_seq("a", make_prompt(14, 1), greedy_params(100)));
    step_with(s, 5);
    auto updates = step_with(s, 5);
    CHECK(updates[0].finish_reason == FinishReason::length);
    CHECK(updates[0].finished->num_tokens() == 16);
  }
  SUBCASE("a prompt longer than max_model_len is refused") {
    CHECK_THROWS_AS(s.add(make_seq("a", make_prompt(17, 1), greedy_params(1))), llmctl::Error);
    s.add(make_seq("b", make_prompt(16, 1), greedy_params(1)));
    CHECK_THROWS_AS(s.add(make_seq("b", make_prompt(3, 1), greedy_params(1))), llmctl::Error);  // duplicate id
  }
}

namespace {

// Stops on token 55 with the string "END", as a detokenizing checker would.
struct TokenStopChecker : StopChecker {
  std::vector<bool> may_stop_seen;
  std::optional<std::string> check(const Sequence&, TokenId token, bool may_stop) override {
    may_stop_seen.push_back(may_stop);
    if (token == 55) return std::string("END");
    return std::nullopt;
  }
};

}  // namespace

TEST_CASE("scheduler: stop strings come from the StopChecker") {
  Scheduler s = small_scheduler();
  TokenStopChecker checker;
  SamplingParams p = greedy_params(3);
  p.min_tokens = 1;
  s.add(make_seq("a", {1, 2, 3}, p));
  CHECK(step_with(s, 55, &checker)[0].finish_reason == FinishReason::none);  // within min_tokens
  CHECK(step_with(s, 7, &checker)[0].finish_reason == FinishReason::none);
  auto updates = step_with(s, 55, &checker);  // also the max_tokens-th: the stop string wins
  CHECK(updates[0].finish_reason == FinishReason::stop);
  CHECK(std::get<std::string>(updates[0].stop_reason) == "END");
  CHECK(checker.may_stop_seen == std::vector<bool>{false, true, true});
}

TEST_CASE("scheduler: configuration checks") {
  CHECK_THROWS_WITH_AS(Scheduler(config_of(8, 16, 64), BlockManager(64, 16)),
                       "max_num_batched_tokens (8) must be greater than or equal to max_num_seqs (16).", llmctl::Error);
  CHECK_THROWS_AS(Scheduler(config_of(64, 4, 1024), BlockManager(16, 16)), llmctl::Error);  // 256-token cache
  CHECK_THROWS_AS(Scheduler(config_of(64, 4, 0), BlockManager(16, 16)), llmctl::Error);
  SchedulerConfig no_chunks = config_of(64, 4, 128);
  no_chunks.enable_chunked_prefill = false;
  CHECK_THROWS_AS(Scheduler(no_chunks, BlockManager(16, 16)), llmctl::Error);
}

TEST_CASE("scheduler: thousands of random adds, aborts, finishes and preemptions leak no block") {
  std::mt19937_64 rng(20240607);
  SimEngine sim(config_of(24, 6, 64), 24, 4);  // 96 token slots: preemption is frequent
  std::map<std::string, std::pair<std::vector<TokenId>, std::int64_t>> requests;
  std::set<std::string> aborted;
  std::vector<std::string> live;
  int next_id = 0;
  for (int op = 0; op < 4000; ++op) {
    const auto choice = rng() % 10;
    if (choice < 3) {
      std::string id = "p" + std::to_string(next_id++);
      // Few distinct starts, so prompts share cached prefixes.
      auto prompt = make_prompt(1 + rng() % 40, static_cast<TokenId>(rng() % 4));
      std::int64_t max_tokens = 1 + static_cast<std::int64_t>(rng() % 30);
      requests[id] = {prompt, max_tokens};
      sim.scheduler.add(make_seq(id, prompt, greedy_params(max_tokens)));
      live.push_back(id);
    } else if (choice == 3 && !live.empty()) {
      const std::string id = live[rng() % live.size()];
      if (sim.scheduler.abort(id)) aborted.insert(id);
      std::erase(live, id);
    } else if (sim.scheduler.has_unfinished()) {
      sim.step();
      std::erase_if(live, [&](const std::string& id) { return sim.finished.contains(id); });
    }
    const BlockManager& bm = sim.scheduler.block_manager();
    std::int64_t held = 0;
    for (BlockId b = 0; b < bm.num_blocks(); ++b) held += bm.ref_count(b) > 0 ? 1 : 0;
    REQUIRE(held + bm.num_free_blocks() == bm.num_blocks());
  }
  sim.run();
  sim.require_all_blocks_free();
  CHECK(sim.preemptions > 0);
  CHECK(sim.scheduler.block_manager().prefix_cache_stats().hits > 0);
  CHECK(aborted.size() > 0);
  for (const auto& [id, request] : requests) {
    if (aborted.contains(id)) continue;
    const Sequence& seq = *sim.finished.at(id);
    auto expected = reference_output(request.first, request.second, 64);
    REQUIRE(std::vector<TokenId>(seq.output_token_ids().begin(), seq.output_token_ids().end()) == expected);
  }
}
