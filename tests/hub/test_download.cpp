#include "hub/download.hpp"

#include "hub/digest.hpp"
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

const std::string kContent = "0123456789abcdefghijklmnopqrstuvwxyz";

std::string sha256_of(const std::string& text) {
  Digest d(Digest::Algorithm::sha256);
  d.update(text);
  return d.hex_final();
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Serves kContent with Range support.
std::string serve_ranges(const MiniRequest& r) {
  const auto range = r.headers.find("range");
  if (range == r.headers.end()) return MiniServer::reply(200, kContent);
  const std::size_t from = std::stoul(range->second.substr(6));
  return MiniServer::reply(206, kContent.substr(from),
                           {"Content-Range: bytes " + std::to_string(from) + "-" + std::to_string(kContent.size() - 1) +
                            "/" + std::to_string(kContent.size())});
}

struct Fixture {
  llmctl::test::TempDir dir;
  HubSettings settings;
  BlobTarget target;
  std::int64_t reported = 0;
  std::uint64_t resumed = 0;
  TransferHooks hooks{[this](std::int64_t d) { reported += d; }, [this](std::uint64_t b) { resumed += b; }, {}, {}};

  explicit Fixture(const MiniServer& server) {
    settings.endpoint = server.url("");
    target = {server.url("/org/m/resolve/c/f"), "org/m", "f", dir.path() / "blobs" / "x.incomplete",
              dir.path() / "blobs" / "x", kContent.size(), sha256_of(kContent)};
  }
  void run() {
    const HubClient client(settings);
    HttpSession session;
    download_blob(client, session, target, hooks);
  }
};

}  // namespace

TEST_CASE("a fresh download lands under its final name, checked") {
  MiniServer server(serve_ranges);
  Fixture f(server);
  f.run();
  CHECK(read(f.target.final_path) == kContent);
  CHECK_FALSE(fs::exists(f.target.incomplete_path));
  CHECK(f.reported == static_cast<std::int64_t>(kContent.size()));
}

TEST_CASE("an .incomplete file is resumed with a Range request") {
  MiniServer server(serve_ranges);
  Fixture f(server);
  fs::create_directories(f.target.incomplete_path.parent_path());
  std::ofstream(f.target.incomplete_path, std::ios::binary) << kContent.substr(0, 10);
  f.run();
  CHECK(read(f.target.final_path) == kContent);
  CHECK(server.requests().at(0).headers.at("range") == "bytes=10-");
  CHECK(f.resumed == 10);
  CHECK(f.reported == static_cast<std::int64_t>(kContent.size() - 10));
}

TEST_CASE("a server that ignores the range makes the download start over") {
  MiniServer server([](const MiniRequest&) { return MiniServer::reply(200, kContent); });
  Fixture f(server);
  fs::create_directories(f.target.incomplete_path.parent_path());
  std::ofstream(f.target.incomplete_path, std::ios::binary) << kContent.substr(0, 10);
  f.run();
  CHECK(read(f.target.final_path) == kContent);
}

TEST_CASE("a dropped connection is resumed within the same run") {
  int calls = 0;
  MiniServer server([&](const MiniRequest& r) {
    if (++calls == 1) return MiniServer::reply(200, kContent.substr(0, 7), {}, kContent.size());  // cut short
    return serve_ranges(r);
  });
  Fixture f(server);
  std::vector<std::string> notices;
  f.hooks.log = [&](const std::string& line) { notices.push_back(line); };
  f.run();
  CHECK(read(f.target.final_path) == kContent);
  CHECK(server.requests().at(1).headers.at("range") == "bytes=7-");
  CHECK(notices.size() == 1);
}

TEST_CASE("a checksum mismatch deletes the bad bytes and fails") {
  MiniServer server([](const MiniRequest&) {
    std::string bad = kContent;
    bad[5] = '!';
    return MiniServer::reply(200, bad);
  });
  Fixture f(server);
  CHECK_THROWS_WITH_AS(f.run(), doctest::Contains("checksum mismatch for 'f' of org/m"), llmctl::Error);
  CHECK_FALSE(fs::exists(f.target.final_path));
  CHECK_FALSE(fs::exists(f.target.incomplete_path));
}

TEST_CASE("a git blob id checks a regular file") {
  MiniServer server([](const MiniRequest&) { return MiniServer::reply(200, "hello\n"); });
  Fixture f(server);
  f.target.size = 6;
  f.target.etag = "ce013625030ba8dba906f756967f9e9ca394464a";
  f.run();
  CHECK(read(f.target.final_path) == "hello\n");
}

TEST_CASE("a server whose copy stops short fails after its retries, keeping the partial file") {
  MiniServer server([](const MiniRequest& r) {
    if (r.headers.count("range")) return MiniServer::reply(206, "", {"Content-Range: bytes 7-35/36"}, 29);
    return MiniServer::reply(200, kContent.substr(0, 7), {}, kContent.size());
  });
  Fixture f(server);
  CHECK_THROWS_AS(f.run(), llmctl::Error);
  CHECK(read(f.target.incomplete_path) == kContent.substr(0, 7));
  CHECK_FALSE(fs::exists(f.target.final_path));
}

TEST_CASE("HTTP errors are not retried; cancellation is exit code 130") {
  SUBCASE("401") {
    MiniServer server([](const MiniRequest&) { return MiniServer::reply(401, "", {"X-Error-Code: GatedRepo"}); });
    Fixture f(server);
    CHECK_THROWS_WITH_AS(f.run(), doctest::Contains("is gated"), llmctl::Error);
    CHECK(server.requests().size() == 1);
  }
  SUBCASE("cancelled") {
    MiniServer server(serve_ranges);
    Fixture f(server);
    f.hooks.cancel = [] { return true; };
    try {
      f.run();
      FAIL("not cancelled");
    } catch (const llmctl::Error& e) {
      CHECK(e.code() == llmctl::ExitCode::interrupted);
    }
    CHECK_FALSE(fs::exists(f.target.final_path));
  }
}

TEST_CASE("a full disk is reported as such") {
  if (!fs::exists("/dev/full")) return;
  MiniServer server(serve_ranges);
  Fixture f(server);
  fs::create_directories(f.target.incomplete_path.parent_path());
  fs::create_symlink("/dev/full", f.target.incomplete_path);
  CHECK_THROWS_WITH_AS(f.run(), doctest::Contains("disk full"), llmctl::Error);
  CHECK_FALSE(fs::exists(f.target.final_path));
}
