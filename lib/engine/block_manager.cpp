#include "engine/block_manager.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace llmctl::engine {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

std::int32_t checked_block_count(std::int64_t num_blocks, std::int64_t block_size) {
  if (num_blocks < 1) throw usage_error(fmt::format("the KV cache needs at least 1 block, got {}", num_blocks));
  if (block_size < 1) throw usage_error(fmt::format("block_size must be at least 1, got {}", block_size));
  if (num_blocks >= std::numeric_limits<std::int32_t>::max())
    throw usage_error(fmt::format("too many KV cache blocks: {}", num_blocks));
  return static_cast<std::int32_t>(num_blocks);
}

}  // namespace

BlockManager::BlockManager(std::int64_t num_blocks, std::int64_t block_size, bool enable_prefix_caching)
    : block_size_(block_size),
      prefix_caching_(enable_prefix_caching),
      blocks_(static_cast<std::size_t>(checked_block_count(num_blocks, block_size))),
      free_(static_cast<std::int32_t>(num_blocks)) {}

double BlockManager::usage() const {
  return 1.0 - static_cast<double>(num_free_blocks()) / static_cast<double>(num_blocks());
}

std::int64_t BlockManager::num_cached_blocks() const {
  std::int64_t n = 0;
  for (const auto& [hash, ids] : cached_) n += static_cast<std::int64_t>(ids.size());
  return n;
}

std::optional<BlockId> BlockManager::lookup(const BlockHash& hash) const {
  auto it = cached_.find(hash);
  if (it == cached_.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

CachedPrefix BlockManager::find_cached_prefix(Sequence& seq) {
  if (!seq.block_table().empty()) throw std::logic_error("find_cached_prefix: the sequence already holds blocks");
  CachedPrefix prefix;
  if (!prefix_caching_) return prefix;
  auto& hashes = seq.mutable_block_hashes();
  extend_block_hashes(hashes, seq.token_ids(), static_cast<std::size_t>(block_size_), seq.cache_salt());
  // Leave at least the last token to compute: its logits give the next token.
  std::int64_t max_blocks = (seq.num_tokens() - 1) / block_size_;
  for (std::int64_t i = 0; i < max_blocks && i < static_cast<std::int64_t>(hashes.size()); ++i) {
    std::optional<BlockId> block = lookup(hashes[static_cast<std::size_t>(i)]);
    if (!block) break;  // the chain is broken: no later block can match either
    prefix.blocks.push_back(*block);
  }
  prefix.num_tokens = static_cast<std::int64_t>(prefix.blocks.size()) * block_size_;
  return prefix;
}

BlockId BlockManager::take_free_block() {
  BlockId id = free_.pop_front();
  Block& block = blocks_[static_cast<std::size_t>(id)];
  if (block.hash) {  // evict: it can no longer be hit
    auto it = cached_.find(*block.hash);
    if (it != cached_.end()) {
      std::erase(it->second, id);
      if (it->second.empty()) cached_.erase(it);
    }
    block.hash.reset();
  }
  block.ref_count = 1;
  return id;
}

bool BlockManager::allocate_slots(Sequence& seq, std::int64_t num_new_tokens, const CachedPrefix& prefix) {
  auto& table = seq.mutable_block_table();
  if (!prefix.blocks.empty() && !table.empty())
    throw std::logic_error("allocate_slots: a cached prefix is only for a sequence without blocks");
  if (num_new_tokens < 0) throw std::logic_error("allocate_slots: negative token count");
  const bool first_allocation = table.empty();
  const std::int64_t computed = seq.num_computed_tokens() + prefix.num_tokens;
  const std::int64_t needed_tokens = computed + num_new_tokens;
  if (needed_tokens > seq.num_tokens()) throw std::logic_error("allocate_slots: more tokens than the sequence has");

  const std::int64_t held = static_cast<std::int64_t>(table.size() + prefix.blocks.size());
  const std::int64_t new_blocks = std::max<std::int64_t>(0, ceil_div(needed_tokens, block_size_) - held);
  // Hit blocks nobody holds sit in the free queue: using them removes them from it.
  const auto evictable_hits = std::count_if(prefix.blocks.begin(), prefix.blocks.end(), [&](BlockId id) {
    return blocks_[static_cast<std::size_t>(id)].ref_count == 0;
  });
  if (new_blocks + evictable_hits > num_free_blocks()) return false;

  for (BlockId id : prefix.blocks) {
    Block& block = blocks_[static_cast<std::size_t>(id)];
    if (block.ref_count == 0) free_.remove(id);
    ++block.ref_count;
    table.push_back(id);
  }
  if (first_allocation) seq.set_num_hashed_blocks(prefix.blocks.size());
  for (std::int64_t i = 0; i < new_blocks; ++i) table.push_back(take_free_block());

  if (first_allocation && prefix_caching_) {
    ++stats_.requests;
    stats_.queries += seq.num_tokens();
    stats_.hits += prefix.num_tokens;
  }
  // Register the blocks this step's tokens fill. They are registered before
  // the model runs: a sequence scheduled later in the same step may hit them,
  // which is safe because the runner writes every token's K/V of a layer
  // before any attention of that layer reads the cache (model_runner.hpp).
  if (prefix_caching_) cache_full_blocks(seq, needed_tokens);
  return true;
}

void BlockManager::cache_full_blocks(Sequence& seq, std::int64_t num_tokens) {
  const auto full_blocks = static_cast<std::size_t>(num_tokens / block_size_);
  std::size_t done = seq.num_hashed_blocks();
  if (done >= full_blocks) return;
  auto& hashes = seq.mutable_block_hashes();
  extend_block_hashes(hashes, seq.token_ids(), static_cast<std::size_t>(block_size_), seq.cache_salt());
  const auto& table = seq.block_table();
  for (std::size_t i = done; i < full_blocks; ++i) {
    Block& block = blocks_[static_cast<std::size_t>(table[i])];
    if (!block.hash) {
      block.hash = hashes[i];
      cached_[hashes[i]].push_back(table[i]);
    }
  }
  seq.set_num_hashed_blocks(full_blocks);
}

void BlockManager::free(Sequence& seq) {
  auto& table = seq.mutable_block_table();
  for (auto it = table.rbegin(); it != table.rend(); ++it) {
    Block& block = blocks_[static_cast<std::size_t>(*it)];
    if (block.ref_count <= 0) throw std::logic_error("BlockManager::free: block reference count underflow");
    if (--block.ref_count == 0) free_.push_back(*it);
  }
  table.clear();
  seq.set_num_hashed_blocks(0);
}

bool BlockManager::reset_prefix_cache() {
  if (num_free_blocks() != num_blocks()) return false;
  for (Block& block : blocks_) block.hash.reset();
  cached_.clear();
  stats_ = {};
  return true;
}

}  // namespace llmctl::engine
