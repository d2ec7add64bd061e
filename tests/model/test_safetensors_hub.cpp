#include "model/safetensors_hub.hpp"

#include "hub/cache.hpp"
#include "hub/mini_server.hpp"
#include "hub/temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace llmctl;
using llmctl::test::MiniRequest;
using llmctl::test::MiniServer;
namespace fs = std::filesystem;

namespace {

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::string kHeader = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";

std::string weights() {
  std::string out(8, '\0');
  out[0] = static_cast<char>(kHeader.size());
  return out + kHeader + std::string(16, 'x');
}

// A Hub with one repository holding a single model.safetensors (Range support).
std::string serve(const MiniRequest& r) {
  const std::string file = weights();
  if (r.path.starts_with("/api/models/org/m/revision/")) return MiniServer::reply(200, R"({"sha":")" + kCommit + "\"}");
  if (r.path.starts_with("/api/models/org/m/tree/"))
    return MiniServer::reply(200, R"([{"type":"file","path":"model.safetensors","size":)" +
                                      std::to_string(file.size()) + R"(,"oid":"x","lfs":{"oid":")" +
                                      std::string(64, 'a') + R"(","size":)" + std::to_string(file.size()) + "}}]");
  const std::string range = r.headers.at("range");
  const std::size_t from = std::stoul(range.substr(6));
  const std::size_t to = std::stoul(range.substr(range.find('-') + 1));
  return MiniServer::reply(206, file.substr(from, to - from + 1));
}

}  // namespace

TEST_CASE("read_hub_checkpoint reads remote headers, then the cache when offline") {
  const llmctl::test::TempDir dir;
  MiniServer server(serve);
  hub::HubSettings settings;
  settings.endpoint = server.url("");
  settings.cache_dir = dir.path();
  hub::HubClient client(settings);

  const HubCheckpoint online = read_hub_checkpoint(client, hub::RepoId{"org/m"}, "main");
  CHECK(online.source == hub::Source::hub);
  CHECK(online.commit == kCommit);
  REQUIRE(online.checkpoint.tensors.size() == 1);
  CHECK(online.checkpoint.tensors[0].shape == std::vector<std::uint64_t>{2, 2});
  for (const auto& r : server.requests())  // two ranges, never the whole file
    if (r.path.find("/resolve/") != std::string::npos) CHECK(r.headers.count("range") == 1);

  settings.offline = true;
  hub::HubClient offline(settings);
  CHECK_THROWS_WITH_AS(read_hub_checkpoint(offline, hub::RepoId{"org/m"}, "main"),
                       doctest::Contains("not in the cache"), Error);
  // Once the file is in the cache, offline reads answer from it.
  const hub::CacheDir cache(dir.path());
  const std::string etag(64, 'a');
  fs::create_directories(cache.blob_path(hub::RepoId{"org/m"}, etag).parent_path());
  std::ofstream(cache.blob_path(hub::RepoId{"org/m"}, etag), std::ios::binary) << weights();
  cache.link_snapshot(hub::RepoId{"org/m"}, kCommit, "model.safetensors", etag);
  cache.write_ref(hub::RepoId{"org/m"}, "main", kCommit);
  const HubCheckpoint cached = read_hub_checkpoint(offline, hub::RepoId{"org/m"}, "main");
  CHECK(cached.source == hub::Source::cache);
  CHECK(cached.checkpoint.total_bytes == 16);
}
