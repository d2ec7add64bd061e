// Small hash containers for the BPE hot path: an open-addressing map from
// 64-bit keys (merge pairs) and the thread-safe per-word result cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl::tok {

// Open addressing, linear probing, power-of-two capacity. The all-ones key is
// reserved as "empty"; merge pair keys (two 32-bit ids) never reach it since
// ids stay far below 2^32 - 1.
template <typename V>
class U64Map {
 public:
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    keys_.assign(cap, kEmpty);
    values_.assign(cap, V{});
    mask_ = cap - 1;
    size_ = 0;
  }
  void insert_or_assign(std::uint64_t key, V value) {
    if ((size_ + 1) * 2 > keys_.size()) grow();
    std::size_t i = slot(key);
    while (keys_[i] != kEmpty && keys_[i] != key) i = (i + 1) & mask_;
    if (keys_[i] == kEmpty) ++size_;
    keys_[i] = key;
    values_[i] = value;
  }
  const V* find(std::uint64_t key) const {
    if (keys_.empty()) return nullptr;
    for (std::size_t i = slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return &values_[i];
      if (keys_[i] == kEmpty) return nullptr;
    }
  }
  std::size_t size() const { return size_; }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  std::size_t slot(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 20) & mask_;
  }
  void grow() {
    std::vector<std::uint64_t> keys = std::move(keys_);
    std::vector<V> values = std::move(values_);
    reserve(keys.empty() ? 8 : keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] != kEmpty) insert_or_assign(keys[i], values[i]);
    }
  }
  std::vector<std::uint64_t> keys_;
  std::vector<V> values_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// Word -> ids of the words already merged. Guarded by a mutex so one
// Tokenizer can serve several threads; it stops growing at a fixed number of
// entries (HF's cache does the same) and skips long words, which rarely repeat.
class MergeCache {
 public:
  static constexpr std::size_t kMaxEntries = 1 << 18;
  static constexpr std::size_t kMaxWordBytes = 256;

  MergeCache() = default;
  MergeCache(const MergeCache&) = delete;
  MergeCache& operator=(const MergeCache&) = delete;

  // Appends the cached ids of `word` to `out`; false when not cached.
  bool lookup(std::string_view word, std::vector<std::uint32_t>& out) const;
  void insert(std::string_view word, const std::uint32_t* ids, std::size_t count);

 private:
  struct Entry {
    std::uint64_t hash = 0;
    std::uint32_t text_offset = 0, text_size = 0;
    std::uint32_t ids_offset = 0, ids_size = 0;
  };
  static std::uint64_t hash_of(std::string_view word);
  void rehash(std::size_t capacity);

  mutable std::mutex mutex_;
  std::vector<Entry> table_;  // open addressing; text_size == 0 marks empty (words are never empty)
  std::size_t entries_ = 0;
  std::string text_;               // arena of cached words
  std::vector<std::uint32_t> ids_;  // arena of their ids
};

}  // namespace llmctl::tok
