// read_checkpoint: every shard of a checkpoint, from whichever CheckpointFiles
// source (directory, cache, Hub), headers only.
#include "model/safetensors.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <fstream>
#include <mutex>
#include <thread>

namespace llmctl {

namespace fs = std::filesystem;

namespace {

constexpr const char* kIndexFile = "model.safetensors.index.json";

// The shards to read: the index's, else model.safetensors, else every
// top-level *.safetensors (some repositories name a single file otherwise).
std::vector<std::string> shard_names(const CheckpointFiles& files, Checkpoint& out,
                                     std::optional<SafetensorsIndex>& index) {
  const auto has = [&](const std::string& name) {
    return std::find(files.files.begin(), files.files.end(), name) != files.files.end();
  };
  if (has(kIndexFile)) {
    index = parse_safetensors_index(files.read_text(kIndexFile), kIndexFile);
    out.index_file = kIndexFile;
    out.index_total_size = index->total_size;
    return index->shards();
  }
  if (has("model.safetensors")) return {"model.safetensors"};
  std::vector<std::string> names;
  for (const std::string& name : files.files)
    if (name.ends_with(".safetensors") && name.find('/') == std::string::npos) names.push_back(name);
  return names;
}

// Reads the shards' headers on up to `parallel` threads: remote reads are two
// round trips each, and big models have over a hundred shards.
std::vector<SafetensorsHeader> read_headers(const CheckpointFiles& files, const std::vector<std::string>& shards,
                                            unsigned parallel) {
  std::vector<SafetensorsHeader> headers(shards.size());
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr error;
  const auto worker = [&] {
    for (std::size_t i = next++; i < shards.size(); i = next++) {
      try {
        const std::optional<std::uint64_t> size = files.size ? files.size(shards[i]) : std::nullopt;
        headers[i] = read_safetensors_header(files.open(shards[i]), shards[i], size);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        next = shards.size();
      }
    }
  };
  std::vector<std::thread> threads;
  const std::size_t count = std::min<std::size_t>(shards.size(), std::max(1u, parallel));
  for (std::size_t i = 1; i < count; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  return headers;
}

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw runtime_error("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

Checkpoint read_checkpoint(const CheckpointFiles& files, unsigned parallel) {
  Checkpoint out;
  std::optional<SafetensorsIndex> index;
  out.shards = shard_names(files, out, index);
  if (out.shards.empty())
    throw runtime_error("no safetensors weights found (no model.safetensors or " + std::string(kIndexFile) + ")",
                        "header-only reads need safetensors checkpoints");
  for (const std::string& shard : out.shards)
    if (shard.empty() || shard.find('/') == 0 || shard.find("..") != std::string::npos)
      throw runtime_error(fmt::format("{} names an unsafe shard file '{}'", kIndexFile, shard));

  std::vector<SafetensorsHeader> headers = read_headers(files, out.shards, parallel);
  for (std::size_t i = 0; i < headers.size(); ++i) {
    for (TensorInfo& t : headers[i].tensors) {
      if (index) {
        const auto it = index->weight_map.find(t.name);
        if (it == index->weight_map.end() || it->second != out.shards[i])
          throw runtime_error(fmt::format("{} holds tensor '{}', which {} does not place there", out.shards[i], t.name,
                                          kIndexFile));
      }
      t.file = out.shards[i];
      out.total_bytes += t.bytes();
      out.total_elements += t.elements();
      out.bytes_by_dtype[t.dtype] += t.bytes();
      out.elements_by_dtype[t.dtype] += t.elements();
      out.tensors.push_back(std::move(t));
    }
  }
  if (index && out.tensors.size() != index->weight_map.size())
    throw runtime_error(fmt::format("{} lists {} tensors but the shards hold {}", kIndexFile,
                                    index->weight_map.size(), out.tensors.size()));
  std::sort(out.tensors.begin(), out.tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
  return out;
}

CheckpointFiles local_checkpoint_files(const fs::path& dir) {
  CheckpointFiles files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file(ec)) files.files.push_back(entry.path().filename().string());
  if (ec) throw runtime_error("cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.files.begin(), files.files.end());
  files.read_text = [dir](const std::string& name) { return read_whole(dir / name); };
  files.open = [dir](const std::string& name) { return local_range_fetch(dir / name); };
  files.size = [dir](const std::string& name) -> std::optional<std::uint64_t> {
    std::error_code error;
    const auto size = fs::file_size(dir / name, error);
    if (error) return std::nullopt;
    return size;
  };
  return files;
}

}  // namespace llmctl
