// Content hashes of full KV cache blocks for prefix caching. A block's hash
// covers its tokens AND its whole prefix by chaining (vLLM's hash_block_tokens):
//   h(0) = SHA-256( zeros[32]  || tokens[0..B)   as int32 LE || cache_salt )
//   h(i) = SHA-256( h(i-1)     || tokens[iB..iB+B) as int32 LE )
// so equal hashes mean equal token prefixes, and a block is reusable only
// where everything before it matches too. SHA-256 (vLLM's default
// prefix_caching_hash_algo) rather than a 64-bit hash: a collision would
// silently serve another prompt's KV, and requests from different users
// share the cache, so collisions must be infeasible to find, not just rare.
// Only FULL blocks are hashed; a partial last block is never cached.
#pragma once

#include "engine/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace llmctl::engine {

struct BlockHash {
  std::array<unsigned char, 32> digest{};
  friend bool operator==(const BlockHash&, const BlockHash&) = default;
};

struct BlockHashHasher {
  std::size_t operator()(const BlockHash& hash) const noexcept {
    std::size_t value;  // the digest is uniformly distributed: its first bytes are a fine bucket key
    std::memcpy(&value, hash.digest.data(), sizeof value);
    return value;
  }
};

// The hash of one full block. `parent` is null for the first block of a
// sequence, which alone mixes in the cache salt (vLLM adds cache_salt to the
// first block's extra keys; the chain carries it to every later block).
BlockHash hash_block(const BlockHash* parent, std::span<const TokenId> tokens, std::string_view cache_salt);

// Appends to `hashes` the hashes of the full blocks of `tokens` not yet
// hashed (tokens only grow, so earlier hashes stay valid).
void extend_block_hashes(std::vector<BlockHash>& hashes, std::span<const TokenId> tokens, std::size_t block_size,
                         std::string_view cache_salt);

}  // namespace llmctl::engine
