// Shared pieces of the command line: global options, the conventions every
// subcommand follows (-o, the model argument), and the registry of subcommands.
#pragma once

#include "util/output.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace llmctl::cli {

// Options accepted by every command (CLI11 fallthrough lets them follow the subcommand).
struct GlobalOptions {
  bool verbose = false;
  bool no_color = false;
};

inline constexpr const char* kGlobalGroup = "Global options";

// `-o/--output table|json|yaml` (also LLMCTL_OUTPUT) for a data-producing command.
void add_output_option(CLI::App& app, std::string& output);

// The positional <model>: alias, HF id, local model directory or config.json path.
// Completion offers catalog aliases for it (recognised by its type name MODEL).
void add_model_argument(CLI::App& app, std::string& model);

// Colour decision for stdout with the global flags applied.
bool stdout_color(const GlobalOptions& global);

// A diagnostic line on stderr ("llmctl: <line>") shown only with -v/--verbose.
void verbose(const GlobalOptions& global, const std::string& line);

// Sets the usage examples shown at the end of a command's --help.
void set_examples(CLI::App& app, const std::string& examples);

}  // namespace llmctl::cli
