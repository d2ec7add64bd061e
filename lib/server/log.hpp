// Server logs on stderr, in the lines operators already grep for: vLLM's
// ("INFO 12-06 18:20:01 [serve] ...") for the application, uvicorn's
// ("INFO:     Application startup complete.") for the process and the
// access log, one line per request:
//   INFO:     127.0.0.1:50312 - "POST /v1/chat/completions HTTP/1.1" 200 OK 0.412s tokens=12+7
// Thread-safe: lines from request threads never interleave.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

namespace llmctl::server {

struct AccessRecord {
  std::string client;   // "ip:port"
  std::string method;
  std::string path;
  std::string version;  // "HTTP/1.1"
  int status = 0;
  std::optional<double> seconds;
  std::optional<std::int64_t> prompt_tokens, completion_tokens;
};

// The access-log line without the "INFO:     " prefix.
std::string format_access(const AccessRecord& record);
// "OK", "Bad Request", ... (uvicorn prints the reason phrase).
const char* status_phrase(int status);

class ServerLog {
 public:
  explicit ServerLog(std::FILE* out = stderr) : out_(out) {}
  void info(const std::string& message);     // vLLM style
  void warning(const std::string& message);  // vLLM style
  void uvicorn(const std::string& message);  // "INFO:     " + message
  void access(const AccessRecord& record) { uvicorn(format_access(record)); }

 private:
  void line(const std::string& text);
  std::FILE* out_;
  std::mutex mutex_;
};

}  // namespace llmctl::server
