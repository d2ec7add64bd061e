#include "text/tokenizer/merge_cache.hpp"

#include <cstring>

namespace llmctl::tok {

std::uint64_t MergeCache::hash_of(std::string_view word) {
  // FNV-1a: words are short, so a simple byte loop beats anything clever.
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : word) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}

bool MergeCache::lookup(std::string_view word, std::vector<std::uint32_t>& out) const {
  const std::uint64_t h = hash_of(word);
  const std::lock_guard lock(mutex_);
  if (table_.empty()) return false;
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = (h >> 7) & mask;; i = (i + 1) & mask) {
    const Entry& e = table_[i];
    if (e.text_size == 0) return false;
    if (e.hash == h && e.text_size == word.size() &&
        std::memcmp(text_.data() + e.text_offset, word.data(), word.size()) == 0) {
      out.insert(out.end(), ids_.begin() + e.ids_offset, ids_.begin() + e.ids_offset + e.ids_size);
      return true;
    }
  }
}

void MergeCache::rehash(std::size_t capacity) {
  std::vector<Entry> old = std::move(table_);
  table_.assign(capacity, Entry{});
  const std::size_t mask = capacity - 1;
  for (const Entry& e : old) {
    if (e.text_size == 0) continue;
    std::size_t i = (e.hash >> 7) & mask;
    while (table_[i].text_size != 0) i = (i + 1) & mask;
    table_[i] = e;
  }
}

void MergeCache::insert(std::string_view word, const std::uint32_t* ids, std::size_t count) {
  if (word.empty() || word.size() > kMaxWordBytes) return;
  const std::uint64_t h = hash_of(word);
  const std::lock_guard lock(mutex_);
  if (entries_ >= kMaxEntries) return;
  if ((entries_ + 1) * 2 > table_.size()) rehash(table_.empty() ? 1024 : table_.size() * 2);
  const std::size_t mask = table_.size() - 1;
  std::size_t i = (h >> 7) & mask;
  for (;; i = (i + 1) & mask) {
    const Entry& e = table_[i];
    if (e.text_size == 0) break;
    if (e.hash == h && e.text_size == word.size() &&
        std::memcmp(text_.data() + e.text_offset, word.data(), word.size()) == 0) {
      return;  // another thread got there first
    }
  }
  Entry e;
  e.hash = h;
  e.text_offset = static_cast<std::uint32_t>(text_.size());
  e.text_size = static_cast<std::uint32_t>(word.size());
  e.ids_offset = static_cast<std::uint32_t>(ids_.size());
  e.ids_size = static_cast<std::uint32_t>(count);
  text_.append(word);
  ids_.insert(ids_.end(), ids, ids + count);
  table_[i] = e;
  ++entries_;
}

}  // namespace llmctl::tok
