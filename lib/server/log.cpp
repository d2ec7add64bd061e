#include "server/log.hpp"

#include <fmt/format.h>

#include <ctime>

namespace llmctl::server {

const char* status_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 422: return "Unprocessable Entity";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::string format_access(const AccessRecord& r) {
  std::string line = fmt::format("{} - \"{} {} {}\" {} {}", r.client, r.method, r.path, r.version, r.status,
                                 status_phrase(r.status));
  if (r.seconds) line += fmt::format(" {:.3f}s", *r.seconds);
  if (r.prompt_tokens && r.completion_tokens) line += fmt::format(" tokens={}+{}", *r.prompt_tokens, *r.completion_tokens);
  return line;
}

void ServerLog::line(const std::string& text) {
  std::lock_guard lock(mutex_);
  std::fputs(text.c_str(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

namespace {

std::string stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%m-%d %H:%M:%S", &tm);
  return buffer;
}

}  // namespace

void ServerLog::info(const std::string& message) { line(fmt::format("INFO {} [serve] {}", stamp(), message)); }
void ServerLog::warning(const std::string& message) { line(fmt::format("WARNING {} [serve] {}", stamp(), message)); }
void ServerLog::uvicorn(const std::string& message) { line("INFO:     " + message); }

}  // namespace llmctl::server
