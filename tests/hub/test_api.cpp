#include "hub/api.hpp"

#include "mini_server.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace llmctl::hub;
using llmctl::test::MiniRequest;
using llmctl::test::MiniServer;

namespace {

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";
const std::string kSha = std::string(64, 'a');

HubSettings settings_for(const MiniServer& hub, const std::string& token = {}) {
  HubSettings s;
  s.endpoint = hub.url("");
  s.token = token;
  s.token_source = "HF_TOKEN";
  s.metadata_timeout_s = 5;
  return s;
}

}  // namespace

TEST_CASE("repo_info reads the commit and the gating") {
  MiniServer hub([](const MiniRequest& r) {
    CHECK(r.path == "/api/models/org/m/revision/refs%2Fpr%2F1");
    return MiniServer::reply(200, R"({"id":"org/m","sha":")" + kCommit + R"(","gated":"manual","private":false})");
  });
  HubClient client(settings_for(hub));
  const RepoInfo info = client.repo_info(RepoId{"org/m"}, "refs/pr/1");
  CHECK(info.commit == kCommit);
  CHECK(info.gated == "manual");
}

TEST_CASE("list_files follows the Link pagination and reads LFS entries") {
  MiniServer* self = nullptr;
  MiniServer hub([&](const MiniRequest& r) {
    if (r.path.find("cursor=2") != std::string::npos)
      return MiniServer::reply(200, R"([{"type":"file","path":"b.safetensors","size":99,"oid":"1111111111111111111111111111111111111111","lfs":{"oid":")" +
                                        kSha + R"(","size":4096,"pointerSize":134}}])");
    CHECK(r.path == "/api/models/org/m/tree/" + kCommit + "?recursive=true&expand=false");
    return MiniServer::reply(
        200, R"([{"type":"directory","path":"sub","oid":"x","size":0},{"type":"file","path":"sub/a.json","size":5,"oid":"2222222222222222222222222222222222222222"}])",
        {"Link: <" + self->url("/api/models/org/m/tree/x?cursor=2") + ">; rel=\"next\""});
  });
  self = &hub;
  HubClient client(settings_for(hub));
  const auto files = client.list_files(RepoId{"org/m"}, kCommit);
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == "sub/a.json");
  CHECK(files[0].size == 5);
  CHECK_FALSE(files[0].is_lfs());
  CHECK(files[0].etag() == "2222222222222222222222222222222222222222");
  CHECK(files[1].is_lfs());
  CHECK(files[1].size == 4096);
  CHECK(files[1].etag() == kSha);
}

TEST_CASE("file_metadata reads an LFS redirect's headers without following it") {
  MiniServer hub([](const MiniRequest& r) {
    CHECK(r.method == "HEAD");
    CHECK(r.headers.at("accept-encoding") == "identity");
    CHECK(r.headers.at("authorization") == "Bearer hf_secret");
    return MiniServer::reply(302, "",
                             {"Location: http://cdn.invalid/blob", "X-Repo-Commit: " + kCommit,
                              "X-Linked-Etag: \"" + kSha + "\"", "X-Linked-Size: 123456789", "ETag: \"pointer\""});
  });
  HubClient client(settings_for(hub, "hf_secret"));
  const FileMetadata meta = client.file_metadata(RepoId{"org/m"}, "main", "model.safetensors");
  CHECK(meta.commit == kCommit);
  CHECK(meta.etag == kSha);
  CHECK(meta.size == 123456789);
  CHECK(meta.location == "http://cdn.invalid/blob");
  CHECK(hub.requests().size() == 1);
}

TEST_CASE("the token goes to the Hub but never to the CDN it redirects to") {
  MiniServer cdn([](const MiniRequest&) { return MiniServer::reply(200, "weights"); });
  MiniServer hub([&](const MiniRequest&) { return MiniServer::reply(302, "", {"Location: " + cdn.url("/lfs/x")}); });
  HubClient client(settings_for(hub, "hf_secret"));
  HttpSession session;
  std::string body;
  const HttpResponse r = client.fetch(session, client.request(client.resolve_url(RepoId{"org/m"}, "main", "w.bin")),
                                      [&](const HttpResponse&, std::string_view chunk) {
                                        body += chunk;
                                        return true;
                                      });
  CHECK(r.ok());
  CHECK(body == "weights");
  CHECK(r.url == cdn.url("/lfs/x"));
  CHECK(hub.requests().at(0).path == "/org/m/resolve/main/w.bin");
  CHECK(hub.requests().at(0).headers.count("authorization") == 1);
  CHECK(cdn.requests().at(0).headers.count("authorization") == 0);
}

TEST_CASE("API errors become llmctl errors") {
  MiniServer hub([](const MiniRequest&) {
    return MiniServer::reply(404, "{}", {"X-Error-Code: RevisionNotFound", "X-Error-Message: Invalid rev id: v9"});
  });
  HubClient client(settings_for(hub));
  CHECK_THROWS_WITH_AS(client.repo_info(RepoId{"org/m"}, "v9"), "revision 'v9' not found in model org/m",
                       llmctl::Error);
}

TEST_CASE("normalize_etag drops W/ and quotes") {
  CHECK(normalize_etag("W/\"abc\"") == "abc");
  CHECK(normalize_etag("\"abc\"") == "abc");
  CHECK(normalize_etag("abc") == "abc");
}
