// Terminal facts: whether to colour output. Colour is used only on a TTY, never
// when NO_COLOR is set (https://no-color.org) or TERM=dumb, and never with --no-color.
#pragma once

#include <cstdio>

namespace llmctl {

bool is_tty(std::FILE* stream);
bool use_color(std::FILE* stream, bool no_color_flag);

}  // namespace llmctl
