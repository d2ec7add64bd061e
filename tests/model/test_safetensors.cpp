#include "model/safetensors.hpp"

#include "util/error.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

using namespace llmctl;
namespace fs = std::filesystem;

namespace {

// A safetensors file's bytes: length prefix, header, `data_size` zero bytes.
std::string safetensors_bytes(const std::string& header, std::uint64_t data_size) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((header.size() >> (8 * i)) & 0xff);
  return out + header + std::string(data_size, '\0');
}

RangeFetch memory_fetch(const std::string& bytes, int* calls = nullptr) {
  return [&bytes, calls](std::uint64_t offset, std::uint64_t length) {
    if (calls) ++*calls;
    return offset >= bytes.size() ? std::string() : bytes.substr(offset, length);
  };
}

const std::string kHeader =
    R"({"__metadata__":{"format":"pt"},)"
    R"("b.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]},)"
    R"("a.weight":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}})";

std::string error_of(const std::string& header, std::optional<std::uint64_t> data_size = {}) {
  try {
    parse_safetensors_header(header, "x.safetensors", data_size);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a header parses into tensors in data order, with metadata") {
  const SafetensorsHeader h = parse_safetensors_header(kHeader, "x", 32);
  REQUIRE(h.tensors.size() == 2);
  CHECK(h.tensors[0].name == "a.weight");
  CHECK(h.tensors[0].dtype == "BF16");
  CHECK(h.tensors[0].bytes() == 8);
  CHECK(h.tensors[1].shape == std::vector<std::uint64_t>{2, 3});
  CHECK(h.tensors[1].elements() == 6);
  CHECK(h.metadata.at("format") == "pt");
  CHECK(h.header_size == kHeader.size());
}

TEST_CASE("dtype sizes cover the packed and fp8 formats") {
  CHECK(safetensors_dtype_bits("BF16") == 16u);
  CHECK(safetensors_dtype_bits("F8_E4M3") == 8u);
  CHECK(safetensors_dtype_bits("F4") == 4u);
  CHECK(safetensors_dtype_bits("F6_E2M3") == 6u);
  CHECK(safetensors_dtype_bits("C64") == 64u);
  CHECK_FALSE(safetensors_dtype_bits("Q4_K").has_value());
  // Eight F4 values are four bytes; seven do not fill whole bytes.
  CHECK(parse_safetensors_header(R"({"w":{"dtype":"F4","shape":[2,4],"data_offsets":[0,4]}})", "x").tensors.size() == 1);
  CHECK(error_of(R"({"w":{"dtype":"F4","shape":[7],"data_offsets":[0,4]}})").find("whole bytes") != std::string::npos);
}

TEST_CASE("inconsistent headers are rejected the way the safetensors library rejects them") {
  CHECK(error_of("[1,2]").find("not a JSON object") != std::string::npos);
  CHECK(error_of("{\"a\":").find("malformed JSON") != std::string::npos);
  CHECK(error_of(R"({"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})").find("unknown dtype 'Q4'") !=
        std::string::npos);
  CHECK(error_of(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})").find("needs 8") != std::string::npos);
  CHECK(error_of(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})").find("starts at byte 4") !=
        std::string::npos);
  CHECK(error_of(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})").find("ends before") != std::string::npos);
  CHECK(error_of(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})").find("non-integer") !=
        std::string::npos);
  CHECK(error_of(R"({"w":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,1]}})").find("overflow") !=
        std::string::npos);
  CHECK(error_of(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0]}})").find("data_offsets") != std::string::npos);
  CHECK(error_of(R"({"__metadata__":{"a":1}})").find("not a string") != std::string::npos);
  CHECK(error_of(kHeader, 40).find("cover 32 bytes of a 40-byte") != std::string::npos);
}

TEST_CASE("reading through a RangeFetch takes two reads: the length, then the header") {
  const std::string file = safetensors_bytes(kHeader, 32);
  int calls = 0;
  const SafetensorsHeader h = read_safetensors_header(memory_fetch(file, &calls), "x", file.size());
  CHECK(h.tensors.size() == 2);
  CHECK(calls == 2);
  CHECK_THROWS_WITH_AS(read_safetensors_header(memory_fetch(file), "x", file.size() + 1),
                       doctest::Contains("32 bytes of a 33-byte data section"), Error);
  const std::string truncated = file.substr(0, 20);
  CHECK_THROWS_WITH_AS(read_safetensors_header(memory_fetch(truncated), "x"), doctest::Contains("ends before"), Error);
  std::string huge = file;
  huge[7] = '\x7f';  // a length of ~9e18 bytes
  CHECK_THROWS_WITH_AS(read_safetensors_header(memory_fetch(huge), "x"), doctest::Contains("not plausible"), Error);
}

TEST_CASE("the index names each tensor's shard") {
  const SafetensorsIndex index = parse_safetensors_index(
      R"({"metadata":{"total_size":40},"weight_map":{"a":"s2.safetensors","b":"s1.safetensors","c":"s1.safetensors"}})",
      "index");
  CHECK(index.total_size == 40u);
  CHECK(index.shards() == std::vector<std::string>{"s1.safetensors", "s2.safetensors"});
  CHECK_THROWS_AS(parse_safetensors_index(R"({"metadata":{}})", "index"), Error);
}

TEST_CASE("a sharded checkpoint is read header by header, never the weights") {
  const std::string c_header = R"({"c":{"dtype":"I8","shape":[8],"data_offsets":[0,8]}})";
  std::map<std::string, std::string> files = {
      {"model.safetensors.index.json",
       R"({"metadata":{"total_size":40},"weight_map":{"a.weight":"m-1.safetensors","b.weight":"m-1.safetensors","c":"m-2.safetensors"}})"},
      {"m-1.safetensors", safetensors_bytes(kHeader, 32)},
      {"m-2.safetensors", safetensors_bytes(c_header, 8)},
      {"config.json", "{}"},
  };
  std::uint64_t fetched = 0;
  CheckpointFiles source;
  for (const auto& [name, bytes] : files) source.files.push_back(name);
  source.read_text = [&](const std::string& name) { return files.at(name); };
  source.open = [&](const std::string& name) -> RangeFetch {
    return [&, name](std::uint64_t offset, std::uint64_t length) {
      fetched += length;
      return files.at(name).substr(offset, length);
    };
  };
  source.size = [&](const std::string& name) -> std::optional<std::uint64_t> { return files.at(name).size(); };

  const Checkpoint c = read_checkpoint(source, 2);
  CHECK(c.index_file == "model.safetensors.index.json");
  CHECK(c.index_total_size == 40u);
  CHECK(c.shards == std::vector<std::string>{"m-1.safetensors", "m-2.safetensors"});
  REQUIRE(c.tensors.size() == 3);
  CHECK(c.tensors[0].name == "a.weight");
  CHECK(c.tensors[2].file == "m-2.safetensors");
  CHECK(c.total_bytes == 40);
  CHECK(c.total_elements == 4 + 6 + 8);
  CHECK(c.bytes_by_dtype.at("F32") == 24);
  CHECK(fetched == 16 + kHeader.size() + c_header.size());  // the two headers and their length prefixes only

  files["model.safetensors.index.json"] = R"({"weight_map":{"a.weight":"m-1.safetensors","c":"m-2.safetensors"}})";
  CHECK_THROWS_WITH_AS(read_checkpoint(source), doctest::Contains("does not place there"), Error);
}

TEST_CASE("a local single-file checkpoint") {
  const fs::path dir = fs::temp_directory_path() / ("llmctl-st-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "model.safetensors", std::ios::binary) << safetensors_bytes(kHeader, 32);
  CHECK(read_safetensors_header(dir / "model.safetensors").tensors.size() == 2);
  const Checkpoint c = read_checkpoint(local_checkpoint_files(dir));
  CHECK(c.shards == std::vector<std::string>{"model.safetensors"});
  CHECK_FALSE(c.index_file.has_value());
  CHECK(c.total_bytes == 32);
  fs::remove(dir / "model.safetensors");
  CHECK_THROWS_WITH_AS(read_checkpoint(local_checkpoint_files(dir)), doctest::Contains("no safetensors weights"),
                       Error);
  fs::remove_all(dir);
}
