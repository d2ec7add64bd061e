// Paths the unit tests read fixtures from (set by tests/CMakeLists.txt).
#pragma once

#include <filesystem>

namespace llmctl::test {

inline std::filesystem::path source_dir() { return LLMCTL_SOURCE_DIR; }
// ../shared/data beside the checkout (CI has it too).
inline std::filesystem::path shared_data() { return std::filesystem::path(LLMCTL_SHARED_DIR) / "data"; }
// tests/data: small self-made fixtures.
inline std::filesystem::path test_data() { return LLMCTL_TEST_DATA_DIR; }

}  // namespace llmctl::test
