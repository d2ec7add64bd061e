#include "mock_server.hpp"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <queue>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace llmctl::mock {

namespace {

using Clock = std::chrono::steady_clock;

struct Conn {
  int fd = -1;
  std::uint64_t gen = 0;
  std::string in, out;
  bool streaming = false;
  bool close_after_flush = false;
  // The response being streamed.
  Clock::time_point received;
  bool chat = false, want_usage = false, drop = false;
  std::int64_t total = 0, sent = 0, chunk = 0, prompt_tokens = 0;
};

struct Timer {
  Clock::time_point at;
  int fd;
  std::uint64_t gen;
  bool operator>(const Timer& o) const { return at > o.at; }
};

std::string http_chunk(const std::string& payload) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
  return size + payload + "\r\n";
}

std::string sse(const nlohmann::json& j) { return http_chunk("data: " + j.dump() + "\n\n"); }

std::int64_t word_count(const std::string& s) {
  std::int64_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

}  // namespace

struct MockServer::Impl {
  MockConfig config;
  int listen_fd = -1;
  int epfd = -1;
  std::uint64_t next_gen = 1;
  std::unordered_map<int, Conn> conns;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::atomic<std::int64_t>* requests = nullptr;

  void watch(Conn& c, bool want_write) {
    epoll_event ev{};
    ev.events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
    ev.data.fd = c.fd;
    epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void close_conn(int fd) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    conns.erase(fd);
  }

  // Writes what it can; false when the connection was closed.
  bool flush(Conn& c) {
    while (!c.out.empty()) {
      const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n > 0) {
        c.out.erase(0, static_cast<std::size_t>(n));
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        watch(c, true);
        return true;
      } else {
        close_conn(c.fd);
        return false;
      }
    }
    watch(c, false);
    if (c.close_after_flush) {
      close_conn(c.fd);
      return false;
    }
    return true;
  }

  nlohmann::json chunk_json(const Conn& c, const std::string& text, bool role_only, bool reasoning,
                            const char* finish) const {
    nlohmann::json choice = {{"index", 0}, {"finish_reason", finish ? nlohmann::json(finish) : nlohmann::json(nullptr)}};
    if (c.chat) {
      nlohmann::json delta = nlohmann::json::object();
      if (role_only) delta["role"] = "assistant";
      else if (reasoning) delta["reasoning_content"] = text;
      else if (!finish) delta["content"] = text;
      choice["delta"] = delta;
    } else {
      choice["text"] = text;
      choice["logprobs"] = nullptr;
    }
    return {{"id", "mock"}, {"object", c.chat ? "chat.completion.chunk" : "text_completion"}, {"created", 0},
            {"model", "mock"}, {"choices", nlohmann::json::array({choice})}};
  }

  // Appends the next text chunk (and the tail when it is the last); false when closed.
  bool emit(Conn& c) {
    const std::int64_t n = std::min(config.tokens_per_chunk, c.total - c.sent);
    std::string text;
    for (std::int64_t i = 0; i < n; ++i) text += " tok";
    const bool reasoning = config.reasoning && c.chat && c.sent < c.total / 2;
    c.out += sse(chunk_json(c, text, false, reasoning, nullptr));
    c.sent += n;
    ++c.chunk;
    if (c.drop) {  // a server that dies mid-stream: no terminating chunk
      c.close_after_flush = true;
      return flush(c);
    }
    if (c.sent >= c.total) {
      c.out += sse(chunk_json(c, "", false, false, "length"));
      if (c.want_usage) {
        nlohmann::json u = {{"id", "mock"}, {"object", c.chat ? "chat.completion.chunk" : "text_completion"},
                            {"created", 0}, {"model", "mock"}, {"choices", nlohmann::json::array()},
                            {"usage", {{"prompt_tokens", c.prompt_tokens}, {"completion_tokens", c.total},
                                       {"total_tokens", c.prompt_tokens + c.total}}}};
        c.out += sse(u);
      }
      c.out += http_chunk("data: [DONE]\n\n") + "0\r\n\r\n";
      c.streaming = false;
    } else if (config.ttft_ms > 0 || config.itl_ms > 0) {
      const auto due = c.received + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(
                                        config.ttft_ms + config.itl_ms * static_cast<double>(c.chunk)));
      timers.push({due, c.fd, c.gen});
    }
    return true;
  }

  void respond_plain(Conn& c, int status, const char* reason, const std::string& body) {
    c.out += "HTTP/1.1 " + std::to_string(status) + " " + reason +
             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  // Handles one complete request at the front of c.in; false when closed.
  bool handle(Conn& c, const std::string& head, const std::string& body) {
    const auto sp1 = head.find(' ');
    const auto sp2 = head.find(' ', sp1 + 1);
    const std::string method = head.substr(0, sp1);
    const std::string path = head.substr(sp1 + 1, sp2 - sp1 - 1);
    if (method == "GET") {
      if (path == "/v1/models") respond_plain(c, 200, "OK", R"({"object":"list","data":[{"id":"mock","root":"mock","object":"model"}]})");
      else if (path == "/health") respond_plain(c, 200, "OK", "{}");
      else respond_plain(c, 404, "Not Found", R"({"error":{"message":"not found"}})");
      return flush(c);
    }
    const std::int64_t n = ++*requests;
    if (config.fail_every > 0 && n % config.fail_every == 0) {
      respond_plain(c, 500, "Internal Server Error", R"({"error":{"message":"programmed failure","type":"mock"}})");
      return flush(c);
    }
    const auto req = nlohmann::json::parse(body, nullptr, false);
    if (req.is_discarded() || !req.is_object()) {
      respond_plain(c, 400, "Bad Request", R"({"error":{"message":"body is not JSON"}})");
      return flush(c);
    }
    c.chat = path.find("/chat/") != std::string::npos;
    c.total = config.default_tokens;
    for (const char* key : {"max_tokens", "max_completion_tokens"})
      if (req.contains(key) && req[key].is_number_integer()) c.total = req[key].get<std::int64_t>();
    c.want_usage = config.usage && req.contains("stream_options") && req["stream_options"].is_object() &&
                   req["stream_options"].value("include_usage", false);
    c.prompt_tokens = 0;
    if (req.contains("prompt") && req["prompt"].is_string()) c.prompt_tokens = word_count(req["prompt"].get<std::string>());
    if (req.contains("messages") && req["messages"].is_array())
      for (const auto& m : req["messages"])
        if (m.contains("content") && m["content"].is_string()) c.prompt_tokens += word_count(m["content"].get<std::string>());
    c.drop = config.drop_every > 0 && n % config.drop_every == 0;
    c.sent = c.chunk = 0;
    c.streaming = true;
    c.out += "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
             "Transfer-Encoding: chunked\r\n\r\n";
    if (c.chat && config.role_chunk) c.out += sse(chunk_json(c, "", true, false, nullptr));
    if (!c.chat && config.empty_first_chunk) c.out += sse(chunk_json(c, "", false, false, nullptr));
    if (c.total <= 0) c.total = 1;
    if (config.ttft_ms <= 0 && config.itl_ms <= 0) {
      while (c.streaming) {
        const bool dropping = c.drop;
        if (!emit(c)) return false;
        if (dropping) return false;  // emit closed it after flushing
      }
      return flush(c);
    }
    timers.push({c.received + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double, std::milli>(config.ttft_ms)),
                 c.fd, c.gen});
    return flush(c);
  }

  // Parses and handles buffered requests while idle; false when closed.
  bool process(Conn& c) {
    while (!c.streaming) {
      const auto end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return true;
      std::size_t length = 0;
      const std::string head = c.in.substr(0, end);
      for (std::size_t pos = 0; (pos = head.find("\r\n", pos)) != std::string::npos;) {
        pos += 2;
        if (strncasecmp(head.c_str() + pos, "content-length:", 15) == 0) length = std::stoul(head.substr(pos + 15));
      }
      if (c.in.size() < end + 4 + length) return true;
      const std::string body = c.in.substr(end + 4, length);
      c.in.erase(0, end + 4 + length);
      c.received = Clock::now();
      if (!handle(c, head, body)) return false;
    }
    return true;
  }
};

MockServer::MockServer(const MockConfig& config, int port) : impl_(new Impl) {
  impl_->config = config;
  impl_->requests = &requests_;
  impl_->listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(impl_->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(impl_->listen_fd, 4096) != 0) {
    ::close(impl_->listen_fd);
    delete impl_;
    throw std::runtime_error(std::string("mock server: cannot listen: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  impl_->epfd = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = impl_->listen_fd;
  epoll_ctl(impl_->epfd, EPOLL_CTL_ADD, impl_->listen_fd, &ev);
}

MockServer::~MockServer() {
  for (auto& [fd, c] : impl_->conns) ::close(fd);
  ::close(impl_->listen_fd);
  ::close(impl_->epfd);
  delete impl_;
}

void MockServer::run(const std::atomic<bool>& stop) {
  Impl& s = *impl_;
  std::vector<epoll_event> events(512);
  char buf[65536];
  while (!stop.load()) {
    auto wait = std::chrono::nanoseconds(50'000'000);
    if (!s.timers.empty()) wait = std::min(wait, std::max(std::chrono::nanoseconds(0), std::chrono::duration_cast<std::chrono::nanoseconds>(s.timers.top().at - Clock::now())));
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(wait.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(wait.count() % 1'000'000'000);
    const int ready = epoll_pwait2(s.epfd, events.data(), static_cast<int>(events.size()), &ts, nullptr);
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == s.listen_fd) {
        for (;;) {
          const int cfd = ::accept4(s.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (cfd < 0) break;
          const int one = 1;
          setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          Conn c;
          c.fd = cfd;
          c.gen = s.next_gen++;
          s.conns.emplace(cfd, std::move(c));
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.fd = cfd;
          epoll_ctl(s.epfd, EPOLL_CTL_ADD, cfd, &ev);
        }
        continue;
      }
      auto it = s.conns.find(fd);
      if (it == s.conns.end()) continue;
      Conn& c = it->second;
      if (events[i].events & EPOLLOUT) {
        if (!s.flush(c)) continue;
      }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        bool closed = false;
        for (;;) {
          const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
          if (n > 0) {
            c.in.append(buf, static_cast<std::size_t>(n));
            continue;
          }
          if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) closed = true;
          break;
        }
        if (closed) {
          s.close_conn(fd);
          continue;
        }
        s.process(c);
      }
    }
    const auto now = Clock::now();
    while (!s.timers.empty() && s.timers.top().at <= now) {
      const Timer t = s.timers.top();
      s.timers.pop();
      auto it = s.conns.find(t.fd);
      if (it == s.conns.end() || it->second.gen != t.gen || !it->second.streaming) continue;
      Conn& c = it->second;
      const bool dropping = c.drop;
      if (!s.emit(c) || dropping) continue;
      if (s.flush(c) && !c.streaming) {
        auto again = s.conns.find(t.fd);
        if (again != s.conns.end()) s.process(again->second);  // a request that arrived meanwhile
      }
    }
  }
}

}  // namespace llmctl::mock
