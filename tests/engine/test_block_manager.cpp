#include "engine/block_manager.hpp"
#include "engine/free_block_queue.hpp"

#include "engine_sim.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

using namespace llmctl::engine;
using namespace llmctl::engine::test;

namespace {

// What the scheduler does for a new sequence: look up the cache, allocate
// the rest, count it as computed. Returns the cached tokens.
std::int64_t prefill(BlockManager& bm, Sequence& seq) {
  CachedPrefix prefix = bm.find_cached_prefix(seq);
  REQUIRE(bm.allocate_slots(seq, seq.num_tokens() - prefix.num_tokens, prefix));
  seq.set_num_computed_tokens(seq.num_tokens());
  return prefix.num_tokens;
}

// One decode step: a new token, its slot.
void decode(BlockManager& bm, Sequence& seq, TokenId token) {
  seq.append_token(token);
  REQUIRE(bm.allocate_slots(seq, 1));
  seq.set_num_computed_tokens(seq.num_tokens());
}

Sequence seq_of(std::vector<TokenId> prompt, const std::string& id = "r", std::string salt = {}) {
  SequenceOptions options;
  options.cache_salt = std::move(salt);
  return Sequence(id, std::move(prompt), greedy_params(100), options);
}

std::vector<TokenId> concat(std::vector<TokenId> a, const std::vector<TokenId>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("free block queue: pop front, remove from the middle, push back") {
  FreeBlockQueue q(5);
  CHECK(q.to_vector() == std::vector<BlockId>{0, 1, 2, 3, 4});
  CHECK(q.pop_front() == 0);
  q.remove(2);
  CHECK(q.to_vector() == std::vector<BlockId>{1, 3, 4});
  q.push_back(0);
  q.push_back(2);
  CHECK(q.to_vector() == std::vector<BlockId>{1, 3, 4, 0, 2});
  CHECK(q.size() == 5);
  CHECK_THROWS(q.push_back(3));
  q.remove(1);
  q.remove(2);
  CHECK(q.to_vector() == std::vector<BlockId>{3, 4, 0});
  CHECK_FALSE(q.contains(1));
}

TEST_CASE("block manager: allocate, append and free") {
  BlockManager bm(10, 16);
  CHECK(bm.usage() == 0.0);
  Sequence seq = seq_of(make_prompt(20, 1));
  CHECK(prefill(bm, seq) == 0);
  CHECK(seq.block_table().size() == 2);  // 20 tokens: one full block and 4 slots of the next
  CHECK(bm.num_free_blocks() == 8);
  CHECK(bm.usage() == doctest::Approx(0.2));
  for (int i = 0; i < 12; ++i) decode(bm, seq, 7);  // fills block 1 to 32 tokens: no new block
  CHECK(seq.block_table().size() == 2);
  decode(bm, seq, 7);  // token 33 opens block 2
  CHECK(seq.block_table().size() == 3);
  CHECK(bm.num_free_blocks() == 7);
  for (BlockId b : seq.block_table()) CHECK(bm.ref_count(b) == 1);
  bm.free(seq);
  CHECK(seq.block_table().empty());
  CHECK(bm.num_free_blocks() == 10);
  CHECK(bm.usage() == 0.0);
}

TEST_CASE("block manager: allocation fails without side effects when blocks run out") {
  BlockManager bm(3, 16);
  Sequence a = seq_of(make_prompt(40, 1), "a");  // needs 3 blocks
  Sequence b = seq_of(make_prompt(17, 500), "b");
  prefill(bm, a);
  CHECK(bm.num_free_blocks() == 0);
  CHECK_FALSE(bm.allocate_slots(b, 17));
  CHECK(b.block_table().empty());
  CHECK(bm.num_free_blocks() == 0);
  bm.free(a);
  CHECK(bm.allocate_slots(b, 16));  // a chunk: only what this step computes gets slots
  CHECK(b.block_table().size() == 1);
}

TEST_CASE("prefix cache: chained block hashes") {
  BlockManager bm(32, 16);
  const auto block0 = make_prompt(16, 100), block1 = make_prompt(16, 200), block2 = make_prompt(16, 300);
  Sequence a = seq_of(concat(concat(concat(block0, block1), block2), {1, 2, 3}), "a");  // 3 full blocks + 3
  CHECK(prefill(bm, a) == 0);
  CHECK(bm.num_cached_blocks() == 3);  // the partial 4th block is never cached
  CHECK(bm.is_cached(a.block_table()[2]));
  CHECK_FALSE(bm.is_cached(a.block_table()[3]));

  SUBCASE("same prefix, different suffix: the shared full blocks hit") {
    Sequence b = seq_of(concat(concat(block0, block1), make_prompt(10, 900)), "b");
    CHECK(prefill(bm, b) == 32);
    CHECK(b.block_table()[0] == a.block_table()[0]);
    CHECK(b.block_table()[1] == a.block_table()[1]);
    CHECK(b.block_table()[2] != a.block_table()[2]);
    CHECK(bm.ref_count(a.block_table()[0]) == 2);
    CHECK(bm.prefix_cache_stats().hits == 32);
  }
  SUBCASE("a matching block after a different one does not hit: the chain is broken") {
    Sequence c = seq_of(concat(concat(make_prompt(16, 700), block1), {5}), "c");
    CHECK(prefill(bm, c) == 0);
  }
  SUBCASE("a prompt of exactly the cached blocks recomputes its last block, for the logits") {
    Sequence d = seq_of(concat(concat(block0, block1), block2), "d");  // 48 tokens, all cached
    CHECK(prefill(bm, d) == 32);
  }
  SUBCASE("the last token is always left to compute") {
    Sequence e = seq_of(concat(concat(block0, block1), {42}), "e");
    CHECK(bm.find_cached_prefix(e).num_tokens == 32);
    Sequence f = seq_of(block0, "f");  // 16 tokens: its only block is cached but must be computed
    CHECK(bm.find_cached_prefix(f).num_tokens == 0);
  }
  SUBCASE("a different cache salt never hits") {
    Sequence g = seq_of(concat(concat(block0, block1), {1}), "g", "tenant-b");
    CHECK(prefill(bm, g) == 0);
  }
}

TEST_CASE("prefix cache: decode fills blocks that later requests hit") {
  BlockManager bm(16, 4);
  Sequence a = seq_of({1, 2, 3}, "a");
  prefill(bm, a);
  CHECK(bm.num_cached_blocks() == 0);
  decode(bm, a, 4);  // block 0 = {1,2,3,4} is full once token 4 is computed
  CHECK(bm.num_cached_blocks() == 1);
  decode(bm, a, 5);
  Sequence b = seq_of({1, 2, 3, 4, 9, 9}, "b");
  CHECK(prefill(bm, b) == 4);
}

TEST_CASE("prefix cache: ref counts of shared blocks and cached free blocks") {
  BlockManager bm(8, 4);
  Sequence a = seq_of({1, 2, 3, 4, 5, 6, 7, 8, 9}, "a");
  Sequence b = seq_of({1, 2, 3, 4, 5, 6, 7, 8, 10, 11}, "b");
  prefill(bm, a);
  CHECK(prefill(bm, b) == 8);
  const BlockId shared0 = a.block_table()[0], shared1 = a.block_table()[1];
  CHECK(bm.ref_count(shared0) == 2);
  CHECK(bm.ref_count(shared1) == 2);
  CHECK(bm.num_free_blocks() == 4);  // 3 for a, 1 more for b
  bm.free(a);
  CHECK(bm.ref_count(shared0) == 1);
  CHECK(bm.num_free_blocks() == 5);
  bm.free(b);
  CHECK(bm.ref_count(shared0) == 0);
  CHECK(bm.num_free_blocks() == 8);
  CHECK(bm.is_cached(shared0));  // free, yet still cached
  CHECK(bm.is_cached(shared1));

  // A hit on a free cached block takes it out of the free queue.
  Sequence c = seq_of({1, 2, 3, 4, 5, 6, 7, 8, 12}, "c");
  CHECK(prefill(bm, c) == 8);
  auto queue = bm.free_queue();
  CHECK(std::find(queue.begin(), queue.end(), shared0) == queue.end());
  CHECK(std::find(queue.begin(), queue.end(), shared1) == queue.end());
  CHECK(bm.ref_count(shared0) == 1);
  CHECK(bm.num_free_blocks() == 5);
}

TEST_CASE("prefix cache: cached free blocks are evicted least recently freed first, tails first") {
  BlockManager bm(6, 4);
  Sequence a = seq_of({1, 2, 3, 4, 5, 6, 7, 8, 9}, "a");       // blocks a0 a1 (full) + a2 (partial)
  Sequence b = seq_of({11, 12, 13, 14, 15, 16, 17, 18, 19}, "b");
  prefill(bm, a);
  prefill(bm, b);
  const auto at = a.block_table(), bt = b.block_table();
  bm.free(a);  // freed tail first: a2, a1, a0
  bm.free(b);
  CHECK(bm.free_queue() == std::vector<BlockId>{at[2], at[1], at[0], bt[2], bt[1], bt[0]});

  // Two new blocks evict a's tail blocks first; a's first block survives.
  Sequence c = seq_of({31, 32, 33, 34, 35}, "c");
  prefill(bm, c);
  CHECK(c.block_table() == std::vector<BlockId>{at[2], at[1]});
  CHECK_FALSE(bm.is_cached(at[1]));
  CHECK(bm.is_cached(at[0]));
  Sequence a_again = seq_of({1, 2, 3, 4, 5, 6, 7, 8, 20}, "a2");
  CHECK(bm.find_cached_prefix(a_again).num_tokens == 4);  // a1 was evicted: only a0 hits
  Sequence b_again = seq_of({11, 12, 13, 14, 15, 16, 17, 18, 20}, "b2");
  CHECK(bm.find_cached_prefix(b_again).num_tokens == 8);  // b untouched

  // Touching b's cached blocks moves them out of the queue; b_again's new
  // third block then evicts the front (a0), and the next one b's old tail.
  prefill(bm, b_again);
  CHECK(b_again.block_table() == std::vector<BlockId>{bt[0], bt[1], at[0]});
  CHECK(bm.free_queue() == std::vector<BlockId>{bt[2]});
  Sequence d = seq_of({41, 42}, "d");
  prefill(bm, d);
  CHECK(d.block_table() == std::vector<BlockId>{bt[2]});
  CHECK(bm.num_free_blocks() == 0);
}

TEST_CASE("prefix cache: disabled caching never hits") {
  BlockManager bm(8, 4, false);
  Sequence a = seq_of({1, 2, 3, 4, 5, 6, 7, 8, 9}, "a");
  prefill(bm, a);
  CHECK(bm.num_cached_blocks() == 0);
  Sequence b = seq_of({1, 2, 3, 4, 5, 6, 7, 8, 9}, "b");
  CHECK(prefill(bm, b) == 0);
}

TEST_CASE("prefix cache: reset only when no block is held") {
  BlockManager bm(8, 4);
  Sequence a = seq_of({1, 2, 3, 4, 5}, "a");
  prefill(bm, a);
  CHECK_FALSE(bm.reset_prefix_cache());
  bm.free(a);
  CHECK(bm.reset_prefix_cache());
  CHECK(bm.num_cached_blocks() == 0);
  Sequence b = seq_of({1, 2, 3, 4, 5}, "b");
  CHECK(prefill(bm, b) == 0);
}

TEST_CASE("block manager: random allocate/append/free mixes leak nothing") {
  std::mt19937_64 rng(1234);
  BlockManager bm(64, 4);
  std::vector<std::unique_ptr<Sequence>> live;
  int next_id = 0;
  for (int op = 0; op < 5000; ++op) {
    const auto choice = rng() % 4;
    if (choice == 0 || live.empty()) {  // a new sequence; prompts share prefixes often
      std::vector<TokenId> prompt = make_prompt(1 + rng() % 20, static_cast<TokenId>(rng() % 3), 1);
      auto seq = std::make_unique<Sequence>(std::to_string(next_id++), prompt, greedy_params(100));
      CachedPrefix prefix = bm.find_cached_prefix(*seq);
      if (bm.allocate_slots(*seq, seq->num_tokens() - prefix.num_tokens, prefix)) {
        seq->set_num_computed_tokens(seq->num_tokens());
        live.push_back(std::move(seq));
      }
    } else if (choice == 1) {  // decode one token
      Sequence& seq = *live[rng() % live.size()];
      seq.append_token(static_cast<TokenId>(rng() % 5));
      if (bm.allocate_slots(seq, 1)) seq.set_num_computed_tokens(seq.num_tokens());
      else {  // out of blocks: "preempt" it
        bm.free(seq);
        seq.set_num_computed_tokens(0);
        CachedPrefix prefix = bm.find_cached_prefix(seq);
        if (bm.allocate_slots(seq, seq.num_tokens() - prefix.num_tokens, prefix))
          seq.set_num_computed_tokens(seq.num_tokens());
        else
          live.erase(std::find_if(live.begin(), live.end(), [&](auto& p) { return p.get() == &seq; }));
      }
    } else {  // finish or abort
      auto it = live.begin() + static_cast<std::ptrdiff_t>(rng() % live.size());
      bm.free(**it);
      live.erase(it);
    }
    std::int64_t held = 0;
    for (BlockId b = 0; b < bm.num_blocks(); ++b) held += bm.ref_count(b) > 0 ? 1 : 0;
    REQUIRE(held + bm.num_free_blocks() == bm.num_blocks());
  }
  for (auto& seq : live) bm.free(*seq);
  CHECK(bm.num_free_blocks() == bm.num_blocks());
  for (BlockId b = 0; b < bm.num_blocks(); ++b) CHECK(bm.ref_count(b) == 0);
  CHECK(bm.prefix_cache_stats().hits > 0);
}
