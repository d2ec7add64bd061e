#include "hub/http.hpp"

#include "mini_server.hpp"

#include <doctest/doctest.h>

using namespace llmctl::hub;
using llmctl::test::MiniRequest;
using llmctl::test::MiniServer;

TEST_CASE("url_origin makes the port explicit and ignores the path") {
  CHECK(url_origin("https://huggingface.co/api/models") == "https://huggingface.co:443");
  CHECK(url_origin("HTTP://127.0.0.1:8080/x?y") == "http://127.0.0.1:8080");
  CHECK(url_origin("http://127.0.0.1:8080") != url_origin("http://127.0.0.1:8081"));
  CHECK(url_origin("not a url").empty());
}

TEST_CASE("a response's status, headers and body come back; ranges are sent") {
  MiniServer server([](const MiniRequest&) {
    return MiniServer::reply(206, "abc", {"ETag: \"x\"", "X-Repo-Commit: c0ffee"});
  });
  HttpSession session;
  HttpRequest request;
  request.url = server.url("/file");
  request.headers = {"X-Test: 1"};
  request.range_from = 5;
  request.range_to = 7;
  const HttpResponse r = session.perform(request);
  CHECK(r.ok());
  CHECK(r.status == 206);
  CHECK(r.body == "abc");
  CHECK(r.header("etag") == "\"x\"");
  CHECK(r.header("x-repo-commit") == "c0ffee");
  CHECK(r.header("missing").empty());
  const auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].headers.at("range") == "bytes=5-7");
  CHECK(seen[0].headers.at("x-test") == "1");
  CHECK(seen[0].headers.at("user-agent").starts_with("llmctl/"));
}

TEST_CASE("only a success body reaches the sink; an error page stays in the response") {
  int status = 404;
  MiniServer server([&](const MiniRequest&) { return MiniServer::reply(status, "page"); });
  HttpSession session;
  std::string sunk;
  const BodySink sink = [&](const HttpResponse&, std::string_view chunk) {
    sunk += chunk;
    return true;
  };
  HttpResponse r = session.perform({server.url("/"), false, {}, {}, {}, 5, 5}, sink);
  CHECK(r.status == 404);
  CHECK(r.body == "page");
  CHECK(sunk.empty());
  status = 200;
  r = session.perform({server.url("/"), false, {}, {}, {}, 5, 5}, sink);
  CHECK(sunk == "page");
  CHECK(r.body.empty());
}

TEST_CASE("redirects are reported, not followed") {
  MiniServer server([](const MiniRequest&) { return MiniServer::reply(302, "", {"Location: /elsewhere"}); });
  HttpSession session;
  const HttpResponse r = session.perform({server.url("/a"), false, {}, {}, {}, 5, 5});
  CHECK(r.status == 302);
  CHECK(r.redirect_url == server.url("/elsewhere"));
  CHECK(server.requests().size() == 1);
}

TEST_CASE("transport failures are classified") {
  HttpSession session;
  SUBCASE("connection refused") {
    int port = 0;
    { MiniServer gone([](const MiniRequest&) { return std::string(); }); port = std::stoi(gone.url("").substr(17)); }
    const HttpResponse r = session.perform({"http://127.0.0.1:" + std::to_string(port) + "/", false, {}, {}, {}, 5, 5});
    CHECK(r.error == TransportError::connect);
    CHECK_FALSE(r.error_message.empty());
    CHECK_FALSE(r.ok());
  }
  SUBCASE("body shorter than its Content-Length") {
    MiniServer server([](const MiniRequest&) { return MiniServer::reply(200, "abc", {}, 10); });
    const HttpResponse r = session.perform({server.url("/"), false, {}, {}, {}, 5, 5}, [](auto&, auto) { return true; });
    CHECK(r.error == TransportError::interrupted);
  }
  SUBCASE("a refusing sink, and a throwing one") {
    MiniServer server([](const MiniRequest&) { return MiniServer::reply(200, "abc"); });
    const HttpResponse r = session.perform({server.url("/"), false, {}, {}, {}, 5, 5}, [](auto&, auto) { return false; });
    CHECK(r.error == TransportError::sink);
    CHECK_THROWS_WITH(session.perform({server.url("/"), false, {}, {}, {}, 5, 5},
                                      [](auto&, auto) -> bool { throw std::runtime_error("disk full"); }),
                      "disk full");
  }
  SUBCASE("cancelled") {
    MiniServer server([](const MiniRequest&) { return MiniServer::reply(200, "abc"); });
    const HttpResponse r =
        session.perform({server.url("/"), false, {}, {}, {}, 5, 5}, [](auto&, auto) { return true; }, [] { return true; });
    CHECK(r.error == TransportError::cancelled);
  }
}
