// safetensors headers: every tensor of a checkpoint (name, dtype, shape, byte
// range) without reading a byte of weights. A .safetensors file starts with
// an 8-byte little-endian length N, then N bytes of JSON
//   {"<name>": {"dtype": "BF16", "shape": [..], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"format": "pt"}}
// then the tensor data. Sharded checkpoints add model.safetensors.index.json
// (tensor -> shard). Readers work through a RangeFetch, so the same code reads
// local files and remote ones (HTTP Range requests, lib/hub).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmctl {

struct TensorInfo {
  std::string name;
  std::string dtype;  // as written: "BF16", "F8_E4M3", "F4", ...
  std::vector<std::uint64_t> shape;
  std::uint64_t data_begin = 0;  // relative to the start of the data section
  std::uint64_t data_end = 0;
  std::string file;  // the shard holding it (set by read_checkpoint)

  std::uint64_t elements() const;
  std::uint64_t bytes() const { return data_end - data_begin; }
};

struct SafetensorsHeader {
  std::uint64_t header_size = 0;                // N: the data starts at 8 + N
  std::vector<TensorInfo> tensors;              // in data order
  std::map<std::string, std::string> metadata;  // "__metadata__"
};

// Bits per element of a safetensors dtype (BOOL 8, F4 4, F6_E2M3 6, BF16 16,
// ...), or nothing for a dtype this reader does not know.
std::optional<unsigned> safetensors_dtype_bits(std::string_view dtype);

// Exactly `length` bytes at `offset` of one file; throws llmctl::Error.
using RangeFetch = std::function<std::string(std::uint64_t offset, std::uint64_t length)>;

// Parses and checks a JSON header as the safetensors library does: known
// dtypes, byte ranges matching shape x dtype, tensors packed back to back
// from offset 0, and (when `data_size` is known) ending exactly at the end of
// the file. `source` names the file in errors.
SafetensorsHeader parse_safetensors_header(std::string_view json, const std::string& source,
                                           std::optional<std::uint64_t> data_size = {});

// Reads the length prefix and the JSON header through `fetch` (two reads).
// `file_size`, when known, lets the data section's size be checked too.
SafetensorsHeader read_safetensors_header(const RangeFetch& fetch, const std::string& source,
                                          std::optional<std::uint64_t> file_size = {});
SafetensorsHeader read_safetensors_header(const std::filesystem::path& file);

// A RangeFetch over a local file.
RangeFetch local_range_fetch(const std::filesystem::path& file);

// model.safetensors.index.json
struct SafetensorsIndex {
  std::optional<std::uint64_t> total_size;        // metadata.total_size, as written
  std::map<std::string, std::string> weight_map;  // tensor -> shard file name

  std::vector<std::string> shards() const;  // distinct, sorted
};
SafetensorsIndex parse_safetensors_index(std::string_view json, const std::string& source);

// Where a checkpoint's files are read from: a directory, the cache, the Hub.
struct CheckpointFiles {
  std::vector<std::string> files;                            // names at the checkpoint's root
  std::function<std::string(const std::string&)> read_text;  // a small file, whole
  std::function<RangeFetch(const std::string&)> open;        // a big file, by ranges
  // A file's size when known (it lets the data section be checked); optional.
  std::function<std::optional<std::uint64_t>(const std::string&)> size;
};

struct Checkpoint {
  std::optional<std::string> index_file;  // model.safetensors.index.json, when sharded
  std::optional<std::uint64_t> index_total_size;
  std::vector<std::string> shards;       // the .safetensors files read
  std::vector<TensorInfo> tensors;       // every shard's, sorted by name
  std::uint64_t total_bytes = 0;         // tensor data
  std::uint64_t total_elements = 0;      // as stored (a packed dtype counts its logical elements)
  std::map<std::string, std::uint64_t> elements_by_dtype;
  std::map<std::string, std::uint64_t> bytes_by_dtype;
};

// Reads the headers of every shard named by model.safetensors.index.json, or
// else of model.safetensors / the top-level *.safetensors files, up to
// `parallel` at a time. Throws a runtime Error when there are none.
Checkpoint read_checkpoint(const CheckpointFiles& files, unsigned parallel = 8);

// The files of a local model directory.
CheckpointFiles local_checkpoint_files(const std::filesystem::path& dir);

}  // namespace llmctl
