// A one-thread HTTP/1.1 server on 127.0.0.1 for the hub unit tests: each
// connection gets one canned answer from a handler, and the requests are kept
// for the test to inspect (Range, Authorization). Not for production: just
// enough HTTP to drive libcurl through the cases that matter.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace llmctl::test {

struct MiniRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names
};

// What to send back: the raw bytes, written as is, then the connection closes.
using MiniHandler = std::function<std::string(const MiniRequest&)>;

class MiniServer {
 public:
  explicit MiniServer(MiniHandler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 16);
    thread_ = std::thread([this] { serve(); });
  }
  ~MiniServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<MiniRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  // A complete response with a body.
  static std::string reply(int status, const std::string& body, const std::vector<std::string>& headers = {},
                           std::size_t content_length = std::string::npos) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " X\r\nConnection: close\r\n";
    for (const auto& h : headers) out += h + "\r\n";
    out += "Content-Length: " + std::to_string(content_length == std::string::npos ? body.size() : content_length);
    return out + "\r\n\r\n" + body;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) continue;
      std::string raw;
      char buf[4096];
      while (raw.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(client, buf, sizeof buf, 0);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
      }
      MiniRequest request = parse(raw);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      const std::string response = handler_(request);
      for (std::size_t sent = 0; sent < response.size();) {
        const ssize_t n = ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      ::close(client);
    }
  }

  static MiniRequest parse(const std::string& raw) {
    MiniRequest r;
    const auto line_end = raw.find("\r\n");
    const std::string first = raw.substr(0, line_end);
    const auto sp1 = first.find(' ');
    const auto sp2 = first.find(' ', sp1 + 1);
    r.method = first.substr(0, sp1);
    r.path = first.substr(sp1 + 1, sp2 - sp1 - 1);
    for (std::size_t pos = line_end + 2; pos < raw.size();) {
      const auto end = raw.find("\r\n", pos);
      if (end == std::string::npos || end == pos) break;
      const std::string line = raw.substr(pos, end - pos);
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      }
      pos = end + 2;
    }
    return r;
  }

  MiniHandler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<MiniRequest> requests_;
  std::thread thread_;
};

}  // namespace llmctl::test
