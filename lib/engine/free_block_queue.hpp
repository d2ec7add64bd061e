// The queue of free KV cache blocks in eviction order (vLLM's
// FreeKVCacheBlockQueue): a doubly linked list over block ids, so taking the
// front, appending, and removing any block from the middle are all O(1).
// Free blocks that still hold a cached prefix stay in it as eviction
// candidates; a cache hit on one takes it out (remove), a new allocation
// takes the front, evicting whatever was cached there. Freed blocks go to the
// back, so the front is always the least recently freed.
#pragma once

#include "engine/types.hpp"

#include <cstdint>
#include <vector>

namespace llmctl::engine {

class FreeBlockQueue {
 public:
  // Every block free, in id order.
  explicit FreeBlockQueue(std::int32_t num_blocks);

  std::int32_t size() const { return size_; }
  bool contains(BlockId block) const { return in_queue_[static_cast<std::size_t>(block)] != 0; }

  BlockId pop_front();          // the least recently freed block; size() > 0
  void remove(BlockId block);   // contains(block)
  void push_back(BlockId block);  // !contains(block)

  // Front to back (tests and debugging).
  std::vector<BlockId> to_vector() const;

 private:
  // Links indexed by block id; index `sentinel_` is the list head/tail node.
  std::vector<BlockId> prev_;
  std::vector<BlockId> next_;
  std::vector<unsigned char> in_queue_;
  BlockId sentinel_;
  std::int32_t size_ = 0;
};

}  // namespace llmctl::engine
