#include "model/safetensors.hpp"

#include "util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>

namespace llmctl {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The safetensors library refuses larger headers (MAX_HEADER_SIZE).
constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

Error invalid(const std::string& source, const std::string& what) {
  return runtime_error(fmt::format("invalid safetensors header in {}: {}", source, what),
                       "the file is damaged or not a safetensors file; download it again");
}

std::uint64_t checked_elements(const std::vector<std::uint64_t>& shape, const std::string& source,
                               const std::string& name) {
  std::uint64_t n = 1;
  for (const std::uint64_t d : shape) {
    if (d != 0 && n > UINT64_MAX / d) throw invalid(source, "tensor '" + name + "' has an overflowing shape");
    n *= d;
  }
  return n;
}

TensorInfo parse_tensor(const std::string& name, const json& entry, const std::string& source) {
  if (!entry.is_object()) throw invalid(source, "entry '" + name + "' is not an object");
  TensorInfo t;
  t.name = name;
  const auto dtype = entry.find("dtype");
  const auto shape = entry.find("shape");
  const auto offsets = entry.find("data_offsets");
  if (dtype == entry.end() || !dtype->is_string()) throw invalid(source, "tensor '" + name + "' has no dtype");
  t.dtype = dtype->get<std::string>();
  const auto bits = safetensors_dtype_bits(t.dtype);
  if (!bits) throw invalid(source, "tensor '" + name + "' has unknown dtype '" + t.dtype + "'");
  if (shape == entry.end() || !shape->is_array()) throw invalid(source, "tensor '" + name + "' has no shape");
  for (const json& d : *shape) {
    if (!d.is_number_unsigned()) throw invalid(source, "tensor '" + name + "' has a non-integer dimension");
    t.shape.push_back(d.get<std::uint64_t>());
  }
  if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
      !(*offsets)[1].is_number_unsigned())
    throw invalid(source, "tensor '" + name + "' has no [begin, end] data_offsets");
  t.data_begin = (*offsets)[0].get<std::uint64_t>();
  t.data_end = (*offsets)[1].get<std::uint64_t>();
  if (t.data_end < t.data_begin) throw invalid(source, "tensor '" + name + "' ends before it begins");

  const std::uint64_t elements = checked_elements(t.shape, source, name);
  if (elements > UINT64_MAX / *bits) throw invalid(source, "tensor '" + name + "' is impossibly large");
  const std::uint64_t total_bits = elements * *bits;
  if (total_bits % 8 != 0)
    throw invalid(source, fmt::format("tensor '{}' of {} does not fill whole bytes", name, t.dtype));
  if (total_bits / 8 != t.bytes())
    throw invalid(source, fmt::format("tensor '{}' has {} bytes, but {} x {} needs {}", name, t.bytes(),
                                      fmt::join(t.shape, "x"), t.dtype, total_bits / 8));
  return t;
}

std::string read_exact(const RangeFetch& fetch, std::uint64_t offset, std::uint64_t length, const std::string& source) {
  std::string bytes = fetch(offset, length);
  if (bytes.size() != length) throw invalid(source, fmt::format("the file ends before byte {}", offset + length));
  return bytes;
}

}  // namespace

std::uint64_t TensorInfo::elements() const {
  std::uint64_t n = 1;
  for (const std::uint64_t d : shape) n *= d;
  return n;
}

std::optional<unsigned> safetensors_dtype_bits(std::string_view dtype) {
  static const std::map<std::string_view, unsigned> kBits = {
      {"BOOL", 8},        {"U8", 8},     {"I8", 8},          {"F8_E5M2", 8},  {"F8_E4M3", 8},
      {"F8_E8M0", 8},     {"F4", 4},     {"F6_E2M3", 6},     {"F6_E3M2", 6},  {"I16", 16},
      {"U16", 16},        {"F16", 16},   {"BF16", 16},       {"I32", 32},     {"U32", 32},
      {"F32", 32},        {"C64", 64},   {"F64", 64},        {"I64", 64},     {"U64", 64},
      {"F8_E4M3FNUZ", 8}, {"F8_E5M2FNUZ", 8},
  };
  const auto it = kBits.find(dtype);
  if (it == kBits.end()) return std::nullopt;
  return it->second;
}

SafetensorsHeader parse_safetensors_header(std::string_view text, const std::string& source,
                                           std::optional<std::uint64_t> data_size) {
  if (text.empty() || text.front() != '{') throw invalid(source, "the header is not a JSON object");
  json header;
  try {
    header = json::parse(text);
  } catch (const json::parse_error& e) {
    throw invalid(source, std::string("malformed JSON: ") + e.what());
  }
  if (!header.is_object()) throw invalid(source, "the header is not a JSON object");

  SafetensorsHeader out;
  out.header_size = text.size();
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw invalid(source, "__metadata__ is not an object");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) throw invalid(source, "__metadata__ value '" + key + "' is not a string");
        out.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    out.tensors.push_back(parse_tensor(name, entry, source));
  }
  // The data section holds the tensors back to back, in offset order, from 0.
  std::sort(out.tensors.begin(), out.tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
    return a.data_begin != b.data_begin ? a.data_begin < b.data_begin : a.data_end < b.data_end;
  });
  std::uint64_t expected = 0;
  for (const TensorInfo& t : out.tensors) {
    if (t.data_begin != expected)
      throw invalid(source, fmt::format("tensor '{}' starts at byte {}, expected {}", t.name, t.data_begin, expected));
    expected = t.data_end;
  }
  if (data_size && *data_size != expected)
    throw invalid(source, fmt::format("the tensors cover {} bytes of a {}-byte data section", expected, *data_size));
  return out;
}

SafetensorsHeader read_safetensors_header(const RangeFetch& fetch, const std::string& source,
                                          std::optional<std::uint64_t> file_size) {
  const std::string prefix = read_exact(fetch, 0, 8, source);
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(prefix[static_cast<std::size_t>(i)]);
  if (length == 0 || length > kMaxHeaderSize)
    throw invalid(source, fmt::format("a header of {} bytes is not plausible", length));
  if (file_size && 8 + length > *file_size) throw invalid(source, "the header is longer than the file");
  const std::string text = read_exact(fetch, 8, length, source);
  std::optional<std::uint64_t> data_size;
  if (file_size) data_size = *file_size - 8 - length;
  return parse_safetensors_header(text, source, data_size);
}

RangeFetch local_range_fetch(const fs::path& file) {
  return [file](std::uint64_t offset, std::uint64_t length) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw runtime_error("cannot read " + file.string(), "check that the file exists and is readable");
    in.seekg(static_cast<std::streamoff>(offset));
    std::string bytes(length, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(length));
    bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    return bytes;
  };
}

SafetensorsHeader read_safetensors_header(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw runtime_error("cannot read " + file.string() + ": " + ec.message());
  return read_safetensors_header(local_range_fetch(file), file.string(), size);
}

std::vector<std::string> SafetensorsIndex::shards() const {
  std::set<std::string> unique;
  for (const auto& [tensor, shard] : weight_map) unique.insert(shard);
  return {unique.begin(), unique.end()};
}

SafetensorsIndex parse_safetensors_index(std::string_view text, const std::string& source) {
  json index;
  try {
    index = json::parse(text);
  } catch (const json::parse_error& e) {
    throw runtime_error(fmt::format("{} is not valid JSON: {}", source, e.what()));
  }
  const auto map = index.find("weight_map");
  if (!index.is_object() || map == index.end() || !map->is_object())
    throw runtime_error(fmt::format("{} has no weight_map object", source));
  SafetensorsIndex out;
  for (const auto& [tensor, shard] : map->items()) {
    if (!shard.is_string()) throw runtime_error(fmt::format("{}: the shard of '{}' is not a string", source, tensor));
    out.weight_map[tensor] = shard.get<std::string>();
  }
  if (const auto meta = index.find("metadata"); meta != index.end() && meta->is_object()) {
    if (const auto total = meta->find("total_size"); total != meta->end() && total->is_number())
      out.total_size = total->get<std::uint64_t>();
  }
  return out;
}

}  // namespace llmctl
