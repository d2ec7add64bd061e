#include "engine/free_block_queue.hpp"

#include <stdexcept>

namespace llmctl::engine {

FreeBlockQueue::FreeBlockQueue(std::int32_t num_blocks)
    : prev_(static_cast<std::size_t>(num_blocks) + 1),
      next_(static_cast<std::size_t>(num_blocks) + 1),
      in_queue_(static_cast<std::size_t>(num_blocks), 0),
      sentinel_(num_blocks) {
  prev_[sentinel_] = next_[sentinel_] = sentinel_;
  for (BlockId block = 0; block < num_blocks; ++block) push_back(block);
}

BlockId FreeBlockQueue::pop_front() {
  if (size_ == 0) throw std::logic_error("FreeBlockQueue::pop_front on an empty queue");
  BlockId block = next_[sentinel_];
  remove(block);
  return block;
}

void FreeBlockQueue::remove(BlockId block) {
  if (!contains(block)) throw std::logic_error("FreeBlockQueue::remove of a block that is not free");
  next_[prev_[block]] = next_[block];
  prev_[next_[block]] = prev_[block];
  in_queue_[static_cast<std::size_t>(block)] = 0;
  --size_;
}

void FreeBlockQueue::push_back(BlockId block) {
  if (contains(block)) throw std::logic_error("FreeBlockQueue::push_back of a block already free");
  BlockId tail = prev_[sentinel_];
  next_[tail] = block;
  prev_[block] = tail;
  next_[block] = sentinel_;
  prev_[sentinel_] = block;
  in_queue_[static_cast<std::size_t>(block)] = 1;
  ++size_;
}

std::vector<BlockId> FreeBlockQueue::to_vector() const {
  std::vector<BlockId> out;
  out.reserve(static_cast<std::size_t>(size_));
  for (BlockId block = next_[sentinel_]; block != sentinel_; block = next_[block]) out.push_back(block);
  return out;
}

}  // namespace llmctl::engine
