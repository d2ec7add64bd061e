#include "util/term.hpp"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace llmctl {

bool is_tty(std::FILE* stream) { return ::isatty(::fileno(stream)) == 1; }

bool use_color(std::FILE* stream, bool no_color_flag) {
  if (no_color_flag) return false;
  if (const char* v = std::getenv("NO_COLOR"); v != nullptr && v[0] != '\0') return false;
  if (const char* term = std::getenv("TERM"); term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return is_tty(stream);
}

}  // namespace llmctl
