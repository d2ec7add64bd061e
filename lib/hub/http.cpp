#include "hub/http.hpp"

#include <llmctl/version.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <memory>
#include <stdexcept>

namespace llmctl::hub {

namespace {

constexpr std::size_t kErrorBodyCap = 64 * 1024;
// Big receive buffers mean fewer callbacks and syscalls per GiB (curl's own default is 16 KiB).
constexpr long kReceiveBuffer = 512 * 1024;

// What the callbacks of one transfer share.
struct Transfer {
  CURL* curl = nullptr;
  HttpResponse* response = nullptr;
  const BodySink* sink = nullptr;
  const CancelCheck* cancel = nullptr;
  std::exception_ptr failure;  // thrown by the sink or the cancel check
  bool sink_refused = false;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    t->response->headers.clear();  // a new response (after 100-continue, or a proxy's CONNECT)
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    t->response->headers[lower(std::string(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  t->response->status = status;
  t->response->body_bytes += n;
  // Only a successful body goes to the sink; an error page or a redirect's
  // body must never end up in a file that is being downloaded.
  if (t->sink != nullptr && *t->sink && status >= 200 && status < 300) {
    try {
      if (!(*t->sink)(*t->response, std::string_view(data, n))) {
        t->sink_refused = true;
        return 0;
      }
    } catch (...) {
      t->failure = std::current_exception();
      return 0;
    }
    return n;
  }
  // Without a sink the body is the answer (API JSON) and is kept whole; an
  // error page next to a sink is only kept for its message, so it is capped.
  std::string& body = t->response->body;
  const bool capped = t->sink != nullptr && *t->sink;
  if (!capped)
    body.append(data, n);
  else if (body.size() < kErrorBodyCap)
    body.append(data, std::min(n, kErrorBodyCap - body.size()));
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  try {
    return (*t->cancel)() ? 1 : 0;
  } catch (...) {
    t->failure = std::current_exception();
    return 1;
  }
}

TransportError classify(CURLcode code) {
  switch (code) {
    case CURLE_OK: return TransportError::none;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return TransportError::connect;
    case CURLE_OPERATION_TIMEDOUT: return TransportError::timeout;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return TransportError::interrupted;
    case CURLE_ABORTED_BY_CALLBACK: return TransportError::cancelled;
    case CURLE_WRITE_ERROR: return TransportError::sink;
    default: return TransportError::other;
  }
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

CurlGlobal::CurlGlobal() {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
}
CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

std::string HttpResponse::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpSession::HttpSession(std::string user_agent)
    : curl_(curl_easy_init()),
      user_agent_(user_agent.empty() ? std::string("llmctl/") + kVersion : std::move(user_agent)) {
  if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

HttpSession::~HttpSession() { curl_easy_cleanup(curl_); }

HttpResponse HttpSession::perform(const HttpRequest& request, const BodySink& sink, const CancelCheck& cancel) {
  HttpResponse response;
  response.url = request.url;
  Transfer t{curl_, &response, &sink, &cancel, nullptr, false};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  // Resetting keeps the live connection (and DNS cache), only the options go.
  curl_easy_reset(curl_);
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const auto& h : request.headers) {
    curl_slist* next = curl_slist_append(headers.get(), h.c_str());
    if (next == nullptr) throw std::bad_alloc();
    (void)headers.release();
    headers.reset(next);
  }
  std::string range;
  if (request.range_from) {
    range = std::to_string(*request.range_from) + "-";
    if (request.range_to) range += std::to_string(*request.range_to);
  }

  curl_easy_setopt(curl_, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);  // we are multi-threaded: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, request.connect_timeout_s);
  curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME, request.stall_timeout_s);
  curl_easy_setopt(curl_, CURLOPT_BUFFERSIZE, kReceiveBuffer);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &t);
  if (request.head) curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
  if (!range.empty()) curl_easy_setopt(curl_, CURLOPT_RANGE, range.c_str());
  if (cancel) {
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &t);
  }

  const CURLcode code = curl_easy_perform(curl_);
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
  if (char* location = nullptr; curl_easy_getinfo(curl_, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
    response.redirect_url = location;
  if (t.failure) std::rethrow_exception(t.failure);

  response.error = classify(code);
  if (t.sink_refused) response.error = TransportError::sink;
  if (code != CURLE_OK) response.error_message = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  return response;
}

std::string url_origin(const std::string& url) {
  CURLU* handle = curl_url();
  if (handle == nullptr) return {};
  std::string origin;
  if (curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
      origin = lower(scheme) + "://" + lower(host) + ":" + port;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(handle);
  return origin;
}

}  // namespace llmctl::hub
