#include "util/term.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

TEST_CASE("use_color is off with --no-color, NO_COLOR, or when not a TTY") {
  CHECK_FALSE(llmctl::use_color(stdout, true));
  ::setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(llmctl::use_color(stdout, false));
  ::unsetenv("NO_COLOR");
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  CHECK_FALSE(llmctl::use_color(file, false));  // a file is never a TTY
  std::fclose(file);
}
