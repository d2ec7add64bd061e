#include "util/completion.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace llmctl::completion;

namespace {

CommandSpec sample() {
  OptionSpec help{{"-h", "--help"}, "Print help", ValueKind::none, {}};
  OptionSpec output{{"-o", "--output"}, "Output format", ValueKind::choice, {"table", "json"}};
  CommandSpec show{"show", "Show one", {help, output}, {{"model", ValueKind::model, {}}}, {}};
  CommandSpec group{"group", "A group", {help}, {}, {show}};
  return CommandSpec{"llmctl", "root", {help}, {}, {group}};
}

// Exit status of `shell -n` on a script: 0 when the syntax is valid.
int syntax_check(const char* shell, const std::string& script) {
  // ctest runs test cases in parallel processes: each needs its own file.
  static int counter = 0;
  const auto path = std::filesystem::temp_directory_path() /
                    ("llmctl_completion_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + ".sh");
  std::ofstream(path) << script;
  const std::string cmd = std::string(shell) + " -n " + path.string() + " 2>/dev/null";
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove(path);
  return rc;
}

bool have(const char* tool) {
  const std::string cmd = std::string("command -v ") + tool + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace

TEST_CASE("bash script: nested command paths, choices and aliases") {
  const std::string script = bash_script(sample(), {"qwen3-1.7b", "llama-3.1-8b"});
  CHECK(script.find("'group') echo 'show' ;;") != std::string::npos);
  CHECK(script.find("'group show|-o') echo 'choice:table json' ;;") != std::string::npos);
  CHECK(script.find("'group show|0') echo 'model' ;;") != std::string::npos);
  CHECK(script.find("__llmctl_aliases='qwen3-1.7b llama-3.1-8b'") != std::string::npos);
  CHECK(script.find("complete -F _llmctl llmctl") != std::string::npos);
  CHECK(syntax_check("bash", script) == 0);
}

TEST_CASE("zsh script is a #compdef function with descriptions") {
  const std::string script = zsh_script(sample(), {"qwen3-1.7b"});
  CHECK(script.rfind("#compdef llmctl\n", 0) == 0);
  CHECK(script.find("'show:Show one'") != std::string::npos);
  if (have("zsh")) CHECK(syntax_check("zsh", script) == 0);
}

TEST_CASE("fish script conditions every completion on the command path") {
  const std::string script = fish_script(sample(), {"qwen3-1.7b"});
  CHECK(script.find("complete -c llmctl -n '__llmctl_at \\'group show\\'' -s 'o' -l 'output'") !=
        std::string::npos);
  CHECK(script.find("-x -a 'table json'") != std::string::npos);
  if (have("fish")) CHECK(syntax_check("fish", script) == 0);
}

TEST_CASE("shell quoting survives quotes in descriptions") {
  CommandSpec root{"llmctl", "root", {{{"--x"}, "it's \"quoted\"", ValueKind::none, {}}}, {}, {}};
  CHECK(syntax_check("bash", bash_script(root, {})) == 0);
  if (have("zsh")) CHECK(syntax_check("zsh", zsh_script(root, {})) == 0);
  if (have("fish")) CHECK(syntax_check("fish", fish_script(root, {})) == 0);
}
