// Shell completion scripts (bash, zsh, fish) generated from a neutral description
// of the command line. cmd/completion.cpp builds that description by walking the
// live CLI11 definition, so the scripts can never drift from the binary.
#pragma once

#include <string>
#include <vector>

namespace llmctl::completion {

// What a value (of an option or a positional) completes to.
enum class ValueKind {
  none,    // a flag: takes no value
  any,     // free text: nothing to offer
  choice,  // one of `choices`
  model,   // a catalog alias, or a path
  path,    // a file or directory
};

struct OptionSpec {
  std::vector<std::string> names;  // "-o", "--output"
  std::string description;
  ValueKind value = ValueKind::none;
  std::vector<std::string> choices;
};

struct PositionalSpec {
  std::string name;
  ValueKind value = ValueKind::any;
  std::vector<std::string> choices;
};

struct CommandSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;  // including inherited global options
  std::vector<PositionalSpec> positionals;
  std::vector<CommandSpec> subcommands;
};

// `aliases` are offered wherever a MODEL is expected.
std::string bash_script(const CommandSpec& root, const std::vector<std::string>& aliases);
std::string zsh_script(const CommandSpec& root, const std::vector<std::string>& aliases);
std::string fish_script(const CommandSpec& root, const std::vector<std::string>& aliases);

}  // namespace llmctl::completion
