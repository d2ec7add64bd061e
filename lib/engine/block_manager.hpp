// The paged KV cache's bookkeeping (vLLM v1's KVCacheManager + BlockPool for
// one full-attention group; nano-vllm's BlockManager). It hands out block ids
// and never touches the cache memory itself: the model runner owns that, laid
// out as num_blocks x block_size token slots per layer.
//
// Prefix caching: once a block is full and about to be computed, it is
// registered under its chained hash (block_hash.hpp). A later sequence whose
// tokens start the same way reuses those blocks instead of recomputing them.
// Blocks are reference counted; a block whose count drops to 0 keeps its
// cached content and goes to the back of the free queue, so it can still be
// hit until an allocation takes it from the front (least recently freed
// first). A sequence frees its blocks last-to-first, so its tail blocks are
// evicted before the prefix other requests are likeliest to share.
#pragma once

#include "engine/block_hash.hpp"
#include "engine/free_block_queue.hpp"
#include "engine/sequence.hpp"
#include "engine/types.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace llmctl::engine {

inline constexpr std::int64_t kDefaultBlockSize = 16;

// Prefix-cache counters, in tokens (for vllm:prefix_cache_queries/hits).
struct PrefixCacheStats {
  std::int64_t requests = 0;  // lookups that led to an allocation
  std::int64_t queries = 0;   // tokens of those sequences
  std::int64_t hits = 0;      // of which found in the cache
};

// Cached blocks matching the start of a sequence (find_cached_prefix).
struct CachedPrefix {
  std::vector<BlockId> blocks;
  std::int64_t num_tokens = 0;  // blocks.size() * block_size
};

class BlockManager {
 public:
  // `num_blocks` blocks of `block_size` token slots: the KV capacity, which
  // comes from the sizing module (memory left for the cache / bytes per block).
  explicit BlockManager(std::int64_t num_blocks, std::int64_t block_size = kDefaultBlockSize,
                        bool enable_prefix_caching = true);

  std::int64_t block_size() const { return block_size_; }
  std::int64_t num_blocks() const { return static_cast<std::int64_t>(blocks_.size()); }
  // Free blocks, cached eviction candidates included.
  std::int64_t num_free_blocks() const { return free_.size(); }
  // Fraction of blocks held by sequences (vllm:kv_cache_usage_perc).
  double usage() const;
  bool prefix_caching() const { return prefix_caching_; }

  // The longest run of cached blocks matching the start of `seq` (which holds
  // no blocks), at most num_tokens - 1 tokens: the last token is always
  // computed, for its logits (vLLM caps the hit the same way, so a prompt of
  // exactly k full blocks hits k - 1 of them). Takes no references; pass the
  // result to allocate_slots in the same scheduling step. Extends seq's block
  // hashes.
  CachedPrefix find_cached_prefix(Sequence& seq);

  // Makes room for `num_new_tokens` tokens after the sequence's computed
  // tokens plus `prefix` (which needs an empty block table): takes references
  // on the prefix blocks, appends new blocks until every token up to
  //   computed + prefix + num_new_tokens
  // has a slot, and registers the blocks those tokens fill in the prefix
  // cache. Returns false, changing nothing, when too few blocks are free;
  // cached free blocks in `prefix` count against the free ones, since using
  // them takes them out of the free queue.
  bool allocate_slots(Sequence& seq, std::int64_t num_new_tokens, const CachedPrefix& prefix = {});

  // Releases every block of `seq` (tail first) and empties its block table.
  void free(Sequence& seq);

  // Forgets every cached block (weights changed, benchmarks). False, doing
  // nothing, while any block is held.
  bool reset_prefix_cache();

  const PrefixCacheStats& prefix_cache_stats() const { return stats_; }

  // ---- introspection (tests, debugging) ----
  std::int32_t ref_count(BlockId block) const { return blocks_.at(static_cast<std::size_t>(block)).ref_count; }
  bool is_cached(BlockId block) const { return blocks_.at(static_cast<std::size_t>(block)).hash.has_value(); }
  std::vector<BlockId> free_queue() const { return free_.to_vector(); }
  std::int64_t num_cached_blocks() const;

 private:
  struct Block {
    std::int32_t ref_count = 0;
    std::optional<BlockHash> hash;  // set while registered in cached_
  };

  std::optional<BlockId> lookup(const BlockHash& hash) const;
  BlockId take_free_block();  // front of the free queue, its cached content evicted
  void cache_full_blocks(Sequence& seq, std::int64_t num_tokens);

  std::int64_t block_size_;
  bool prefix_caching_;
  std::vector<Block> blocks_;
  FreeBlockQueue free_;
  // Hash -> the blocks holding that content. Usually one; two sequences that
  // computed the same block before either was cached each keep their own (a
  // block table never changes under a running sequence), as vLLM does.
  std::unordered_map<BlockHash, std::vector<BlockId>, BlockHashHasher> cached_;
  PrefixCacheStats stats_;
};

}  // namespace llmctl::engine
