// A small libcurl wrapper: one reusable connection per HttpSession, bodies
// streamed to a caller's sink, transport failures reported as data (the
// caller decides between resuming, falling back to the cache and failing).
// Redirects are never followed here: HubClient follows them itself so that
// the token is only ever sent to the Hub's own origin.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef void CURL;  // NOLINT: libcurl's own spelling, keeps <curl/curl.h> out of this header

namespace llmctl::hub {

// curl_global_init/cleanup for the whole process. They are not thread-safe,
// so main() creates one of these before any thread starts.
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

enum class TransportError {
  none,
  connect,      // DNS failure, connection refused, TLS handshake failure
  timeout,      // connecting or receiving stalled past the timeout
  interrupted,  // the connection dropped or closed before the whole body arrived
  cancelled,    // the CancelCheck asked to stop
  sink,         // the BodySink refused a chunk
  other,
};

struct HttpRequest {
  std::string url;
  bool head = false;
  std::vector<std::string> headers;  // "Name: value"
  std::optional<std::uint64_t> range_from;
  std::optional<std::uint64_t> range_to;  // inclusive, only with range_from
  long connect_timeout_s = 10;
  long stall_timeout_s = 10;  // abort when under 1 byte/s for this long
};

struct HttpResponse {
  std::string url;  // the URL that answered (after HubClient::fetch's redirects)
  long status = 0;                             // 0 when no response came
  std::map<std::string, std::string> headers;  // of the last response, lower-case names
  std::string body;          // the body when no sink took it; error bodies are capped at 64 KiB
  std::string redirect_url;  // a 3xx's Location, made absolute
  TransportError error = TransportError::none;
  std::string error_message;  // libcurl's own words
  std::uint64_t body_bytes = 0;  // body bytes received, sink or not

  // The header's value, or "" when absent.
  std::string header(const std::string& lower_name) const;
  bool ok() const { return error == TransportError::none && status >= 200 && status < 300; }
};

// Receives the body of a 2xx response in order, with the response so far
// (status and headers, e.g. to tell a 206 from a 200); returns false to abort.
// An exception thrown here aborts the transfer and propagates from perform().
using BodySink = std::function<bool(const HttpResponse& response, std::string_view chunk)>;
// Polled during a transfer (at least once a second); returns true to abort it.
using CancelCheck = std::function<bool()>;

// One libcurl easy handle. Keeps its connection alive between requests; not
// thread-safe, so each download thread owns one.
class HttpSession {
 public:
  explicit HttpSession(std::string user_agent = {});
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  HttpResponse perform(const HttpRequest& request, const BodySink& sink = {},
                       const CancelCheck& cancel = {});

 private:
  CURL* curl_;
  std::string user_agent_;
};

// "scheme://host:port" with the port made explicit, or "" for a malformed
// URL; two URLs with the same origin may share credentials.
std::string url_origin(const std::string& url);

}  // namespace llmctl::hub
