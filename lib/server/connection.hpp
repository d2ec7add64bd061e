// Socket-level helpers the HTTP library (cpp-httplib 0.11, Debian's) does
// not offer: noticing that a client closed its connection while its request
// waits for the engine, and raising the listen backlog. Both find the file
// descriptor by its addresses (the library keeps it private).
#pragma once

#include <string>

namespace llmctl::server {

// The connection of one request, found by its local and remote addresses.
class ConnectionProbe {
 public:
  ConnectionProbe(const std::string& local_addr, int local_port, const std::string& remote_addr, int remote_port);
  // True once the peer has closed or reset the connection (POLLRDHUP /
  // POLLHUP / POLLERR). An HTTP/1.1 client that waits for its response
  // never half-closes, so this means it left. False when the socket was not found.
  bool closed() const;
  bool found() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// The listening socket's backlog (the library fixes it at 5, too few for a
// burst of clients connecting at once: the rest wait a SYN retransmit, 1 s).
// Returns whether the socket was found.
bool raise_listen_backlog(int port, int backlog);

}  // namespace llmctl::server
