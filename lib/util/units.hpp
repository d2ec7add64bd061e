// Human-readable numbers printed beside the exact integers.
#pragma once

#include <cstdint>
#include <string>

namespace llmctl {

// 1536 -> "1.50 KiB", 3440000000 -> "3.20 GiB" (binary units, two decimals).
std::string format_bytes(std::uint64_t bytes);
// 1720574976 -> "1.72B", 596049920 -> "596M" (decimal units, three significant digits).
std::string format_count(std::uint64_t count);
// 40960 -> "40960", 131072 -> "128K" (only exact multiples of 1024 are shortened).
std::string format_tokens(std::uint64_t tokens);

}  // namespace llmctl
