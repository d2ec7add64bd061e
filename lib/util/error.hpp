// The one typed error of llmctl. Library code throws it for expected failures;
// main() catches it once, prints "llmctl: error: <message>" (+ "hint: <hint>")
// and exits with its code. Messages name the cause; hints name the fix.
#pragma once

#include <stdexcept>
#include <string>

namespace llmctl {

// Process exit codes, documented in README.md ("Exit codes").
enum class ExitCode : int {
  ok = 0,
  runtime = 1,       // the command could not do its job (I/O, network, bad file)
  usage = 2,         // the user asked for something malformed (flags, values)
  check_failed = 3,  // "does not fit" / a --check that failed
  interrupted = 130, // SIGINT
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, std::string hint = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)) {}

  ExitCode code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  ExitCode code_;
  std::string hint_;
};

inline Error runtime_error(const std::string& message, std::string hint = {}) {
  return Error(ExitCode::runtime, message, std::move(hint));
}
inline Error usage_error(const std::string& message, std::string hint = {}) {
  return Error(ExitCode::usage, message, std::move(hint));
}
inline Error check_failed(const std::string& message, std::string hint = {}) {
  return Error(ExitCode::check_failed, message, std::move(hint));
}

}  // namespace llmctl
