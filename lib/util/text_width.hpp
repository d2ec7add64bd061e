// Terminal column width of UTF-8 text (utf8proc's East Asian width rules), so
// tables stay aligned with CJK model names and symbols.
#pragma once

#include <cstddef>
#include <string_view>

namespace llmctl {

// Columns `text` occupies on a terminal; invalid UTF-8 bytes count as one column.
std::size_t display_width(std::string_view text);

}  // namespace llmctl
