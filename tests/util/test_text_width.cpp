#include "util/text_width.hpp"

#include <doctest/doctest.h>

using llmctl::display_width;

TEST_CASE("display_width counts terminal columns") {
  CHECK(display_width("") == 0);
  CHECK(display_width("abc") == 3);
  CHECK(display_width("模型") == 4);          // wide CJK
  CHECK(display_width("é") == 1);             // precomposed
  CHECK(display_width("\033[1mA\033[0m") == 1);  // escape sequences take no room
  CHECK(display_width("\xff") == 1);           // invalid byte
}
