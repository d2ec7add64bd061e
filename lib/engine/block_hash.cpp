#include "engine/block_hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace llmctl::engine {

BlockHash hash_block(const BlockHash* parent, std::span<const TokenId> tokens, std::string_view cache_salt) {
  // One contiguous message: parent digest, tokens little-endian, salt. The
  // parent is always 32 bytes and a block always block_size tokens, so the
  // fields cannot run into each other.
  std::vector<unsigned char> message;
  message.reserve(32 + tokens.size() * 4 + cache_salt.size());
  BlockHash root;  // all zeros
  const BlockHash& prefix = parent != nullptr ? *parent : root;
  message.insert(message.end(), prefix.digest.begin(), prefix.digest.end());
  for (TokenId token : tokens) {
    auto value = static_cast<std::uint32_t>(token);
    for (int shift = 0; shift < 32; shift += 8) message.push_back(static_cast<unsigned char>(value >> shift));
  }
  if (parent == nullptr) message.insert(message.end(), cache_salt.begin(), cache_salt.end());

  BlockHash out;
  unsigned int length = 0;
  if (EVP_Digest(message.data(), message.size(), out.digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != out.digest.size())
    throw std::runtime_error("OpenSSL SHA-256 failed while hashing a KV cache block");
  return out;
}

void extend_block_hashes(std::vector<BlockHash>& hashes, std::span<const TokenId> tokens, std::size_t block_size,
                         std::string_view cache_salt) {
  std::size_t full_blocks = tokens.size() / block_size;
  for (std::size_t i = hashes.size(); i < full_blocks; ++i) {
    const BlockHash* parent = i == 0 ? nullptr : &hashes[i - 1];
    BlockHash next = hash_block(parent, tokens.subspan(i * block_size, block_size), cache_salt);
    hashes.push_back(next);
  }
}

}  // namespace llmctl::engine
