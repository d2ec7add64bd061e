// Lookup tables of the built-in filters and tests (filters*.cpp, tests.cpp).
#pragma once

#include "text/jinja/ast.hpp"

#include <string_view>

namespace llmctl::jinja {

enum class Availability { available, unsupported, unknown };

// The filter or test called `name`; `availability` tells why it is null.
FilterFn find_filter(std::string_view name, Availability& availability);
TestFn find_test(std::string_view name, Availability& availability);

}  // namespace llmctl::jinja
