#include "cli.hpp"

#include "util/term.hpp"

#include <cstdio>

namespace llmctl::cli {

void add_output_option(CLI::App& app, std::string& output) {
  output = "table";
  app.add_option("-o,--output", output, "Output format")
      ->check(CLI::IsMember(output_format_names()))
      ->envname("LLMCTL_OUTPUT")
      ->capture_default_str();
}

void add_model_argument(CLI::App& app, std::string& model) {
  app.add_option("model", model,
                 "Model: catalog alias (see `llmctl models`), HF id (org/name), "
                 "local model directory or config.json path")
      ->required()
      ->type_name("MODEL");
}

bool stdout_color(const GlobalOptions& global) { return use_color(stdout, global.no_color); }

void verbose(const GlobalOptions& global, const std::string& line) {
  if (global.verbose) std::fprintf(stderr, "llmctl: %s\n", line.c_str());
}

void set_examples(CLI::App& app, const std::string& examples) {
  app.footer("\nExamples:\n" + examples);
}

}  // namespace llmctl::cli
