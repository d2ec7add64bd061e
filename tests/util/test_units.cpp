#include "util/units.hpp"

#include <doctest/doctest.h>

using namespace llmctl;

TEST_CASE("format_bytes uses binary units") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1536) == "1.50 KiB");
  CHECK(format_bytes(114688) == "112.00 KiB");
  CHECK(format_bytes(3441149952ULL) == "3.20 GiB");
}

TEST_CASE("format_count keeps three significant digits") {
  CHECK(format_count(999) == "999");
  CHECK(format_count(596049920) == "596M");
  CHECK(format_count(1720574976) == "1.72B");
  CHECK(format_count(14768307200ULL) == "14.8B");
  CHECK(format_count(671026419200ULL) == "671B");
}

TEST_CASE("format_tokens shortens exact multiples of 1024") {
  CHECK(format_tokens(40960) == "40K");
  CHECK(format_tokens(131072) == "128K");
  CHECK(format_tokens(8192) == "8K");
  CHECK(format_tokens(1000) == "1000");
}
