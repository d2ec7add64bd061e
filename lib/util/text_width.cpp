#include "util/text_width.hpp"

#include <utf8proc.h>

namespace llmctl {

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t remaining = static_cast<utf8proc_ssize_t>(text.size());
  while (remaining > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(bytes, remaining, &cp);
    if (n <= 0) {  // invalid byte: shown as one replacement column
      ++width;
      ++bytes;
      --remaining;
      continue;
    }
    if (cp == 0x1B) {  // skip ANSI escape sequences such as "\033[1m"
      utf8proc_ssize_t i = 1;
      while (i < remaining && !((bytes[i] >= 'A' && bytes[i] <= 'Z') || (bytes[i] >= 'a' && bytes[i] <= 'z'))) ++i;
      const utf8proc_ssize_t skip = i < remaining ? i + 1 : remaining;
      bytes += skip;
      remaining -= skip;
      continue;
    }
    const int w = utf8proc_charwidth(cp);
    width += w > 0 ? static_cast<std::size_t>(w) : 0;
    bytes += n;
    remaining -= n;
  }
  return width;
}

}  // namespace llmctl
