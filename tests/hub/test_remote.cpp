#include "hub/remote.hpp"

#include "hub/cache.hpp"
#include "hub/digest.hpp"
#include "hub/errors.hpp"
#include "mini_server.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace llmctl::hub;
using llmctl::test::MiniRequest;
using llmctl::test::MiniServer;
namespace fs = std::filesystem;

namespace {

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::string kConfig = "{\"model_type\": \"llama\"}\n";
const RepoId kRepo{"org/m"};

std::string git_blob_id(const std::string& text) {
  auto d = start_digest({BlobCheck::Kind::git_blob, {}}, text.size());
  d->update(text);
  return d->hex_final();
}

HubSettings settings_for(const std::string& endpoint, const fs::path& cache) {
  HubSettings s;
  s.endpoint = endpoint;
  s.cache_dir = cache;
  s.metadata_timeout_s = 5;
  return s;
}

// A Hub serving config.json at kCommit for any revision.
std::string serve_config(const MiniRequest& r) {
  const std::vector<std::string> headers = {"X-Repo-Commit: " + kCommit, "ETag: \"" + git_blob_id(kConfig) + "\""};
  if (r.method == "HEAD") return MiniServer::reply(200, "", headers, kConfig.size());
  return MiniServer::reply(200, kConfig, headers);
}

}  // namespace

TEST_CASE("fetch_file downloads into the cache once, then the cache answers") {
  const llmctl::test::TempDir dir;
  MiniServer hub(serve_config);
  HubClient client(settings_for(hub.url(""), dir.path()));
  const FetchedText first = fetch_file_text(client, kRepo, "main", "config.json");
  CHECK(first.text == kConfig);
  CHECK(first.file.source == Source::hub);
  CHECK(first.file.commit == kCommit);
  const CacheDir cache(dir.path());
  CHECK(first.file.path == cache.pointer_path(kRepo, kCommit, "config.json"));
  CHECK(fs::is_symlink(first.file.path));
  CHECK(cache.resolve_commit(kRepo, "main") == kCommit);

  const FetchedText second = fetch_file_text(client, kRepo, "main", "config.json");
  CHECK(second.file.source == Source::cache);  // a HEAD only, no GET
  CHECK(hub.requests().back().method == "HEAD");
  CHECK(fetch_file(client, kRepo, kCommit, "config.json").source == Source::cache);
}

TEST_CASE("offline, or with the Hub unreachable, the cache answers or the error says why") {
  const llmctl::test::TempDir dir;
  {
    MiniServer hub(serve_config);
    HubClient client(settings_for(hub.url(""), dir.path()));
    fetch_file(client, kRepo, "main", "config.json");
  }
  HubSettings offline = settings_for("http://127.0.0.1:9", dir.path());
  offline.offline = true;
  HubClient offline_client(offline);
  CHECK(fetch_file(offline_client, kRepo, "main", "config.json").source == Source::cache);
  CHECK_THROWS_WITH_AS(fetch_file(offline_client, kRepo, "main", "tokenizer.json"),
                       doctest::Contains("offline mode is on (HF_HUB_OFFLINE)"), HubUnreachable);

  HubClient unreachable(settings_for("http://127.0.0.1:9", dir.path()));  // nothing listens on port 9
  CHECK(fetch_file(unreachable, kRepo, "main", "config.json").source == Source::cache);
  CHECK_THROWS_WITH_AS(fetch_file(unreachable, kRepo, "main", "tokenizer.json"), doctest::Contains("cannot reach"),
                       HubUnreachable);
}

TEST_CASE("RemoteFile reads ranges and goes straight to the CDN after the first") {
  const std::string blob = "0123456789";
  MiniServer cdn([&](const MiniRequest& r) {
    const std::string range = r.headers.at("range");  // bytes=a-b
    const std::size_t from = std::stoul(range.substr(6));
    const std::size_t to = std::stoul(range.substr(range.find('-') + 1));
    return MiniServer::reply(206, blob.substr(from, to - from + 1));
  });
  MiniServer hub([&](const MiniRequest&) { return MiniServer::reply(302, "", {"Location: " + cdn.url("/lfs/x")}); });
  const llmctl::test::TempDir dir;
  const HubClient client(settings_for(hub.url(""), dir.path()));
  RemoteFile file(client, kRepo, kCommit, "model.safetensors");
  CHECK(file.read(0, 4) == "0123");
  CHECK(file.read(6, 3) == "678");
  CHECK(hub.requests().size() == 1);
  CHECK(cdn.requests().size() == 2);
  CHECK(file.bytes_received() == 7);
  CHECK_THROWS_AS(file.read(8, 5), llmctl::Error);  // past the end
}

TEST_CASE("a server that ignores Range is not allowed to send the whole file") {
  const std::string blob(1 << 20, 'w');
  MiniServer hub([&](const MiniRequest&) { return MiniServer::reply(200, blob); });
  const llmctl::test::TempDir dir;
  const HubClient client(settings_for(hub.url(""), dir.path()));
  RemoteFile file(client, kRepo, kCommit, "model.safetensors");
  CHECK(file.read(0, 8) == "wwwwwwww");  // the start of a 200 is still the start
  CHECK(file.bytes_received() < blob.size());
  CHECK_THROWS_WITH_AS(file.read(8, 8), doctest::Contains("ignores HTTP Range"), llmctl::Error);
}
