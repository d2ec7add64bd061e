#include "completion.hpp"

#include "model/catalog.hpp"
#include "util/completion.hpp"

#include <iostream>
#include <regex>

namespace llmctl::cmd {

CLI::App* register_completion(CLI::App& root, CompletionOptions& opts) {
  auto* app = root.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
  app->add_option("shell", opts.shell, "Shell to generate the script for")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  opts.root = &root;
  cli::set_examples(*app,
                    "  source <(llmctl completion bash)            # bash, this shell\n"
                    "  llmctl completion zsh > \"${fpath[1]}/_llmctl\"  # zsh\n"
                    "  llmctl completion fish | source             # fish\n");
  return app;
}

namespace {

using completion::CommandSpec;
using completion::OptionSpec;
using completion::PositionalSpec;
using completion::ValueKind;

// Value kind from CLI11's type name: "MODEL", "TEXT:{a,b}" (an IsMember check),
// "FILE"/"DIR"/"PATH" (or an ExistingFile check), anything else is free text.
ValueKind value_kind(const CLI::Option& opt, std::vector<std::string>& choices) {
  const std::string type = opt.get_type_name();
  static const std::regex set_re(R"(\{([^}]*)\})");
  std::smatch m;
  if (std::regex_search(type, m, set_re)) {
    std::string items = m[1];
    for (std::size_t start = 0; start <= items.size();) {
      const std::size_t comma = std::min(items.find(',', start), items.size());
      if (comma > start) choices.push_back(items.substr(start, comma - start));
      start = comma + 1;
    }
    return ValueKind::choice;
  }
  if (type == "MODEL") return ValueKind::model;
  if (type.find("FILE") != std::string::npos || type.find("DIR") != std::string::npos ||
      type.find("PATH") != std::string::npos)
    return ValueKind::path;
  return ValueKind::any;
}

OptionSpec option_spec(const CLI::Option& opt) {
  OptionSpec spec;
  for (const auto& s : opt.get_snames()) spec.names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) spec.names.push_back("--" + l);
  spec.description = opt.get_description();
  spec.value = opt.get_type_size() == 0 ? ValueKind::none : value_kind(opt, spec.choices);
  return spec;
}

CommandSpec describe(CLI::App& app, const std::vector<OptionSpec>& inherited) {
  CommandSpec spec;
  spec.name = app.get_name();
  spec.description = app.get_description();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_positional()) {
      PositionalSpec pos;
      pos.name = opt->get_name();
      pos.value = value_kind(*opt, pos.choices);
      spec.positionals.push_back(std::move(pos));
    } else {
      spec.options.push_back(option_spec(*opt));
    }
  }
  spec.options.insert(spec.options.end(), inherited.begin(), inherited.end());
  std::vector<OptionSpec> globals;
  if (app.get_parent() == nullptr) {  // the root: its global group reaches every subcommand
    for (const CLI::Option* opt : app.get_options())
      if (opt->get_group() == cli::kGlobalGroup) globals.push_back(option_spec(*opt));
  } else {
    globals = inherited;
  }
  for (CLI::App* sub : app.get_subcommands({})) spec.subcommands.push_back(describe(*sub, globals));
  return spec;
}

}  // namespace

int run_completion(const CompletionOptions& opts) {
  const CommandSpec spec = describe(*opts.root, {});
  const std::vector<std::string> aliases = Catalog::embedded().aliases();
  if (opts.shell == "bash") std::cout << completion::bash_script(spec, aliases);
  else if (opts.shell == "zsh") std::cout << completion::zsh_script(spec, aliases);
  else std::cout << completion::fish_script(spec, aliases);
  return 0;
}

}  // namespace llmctl::cmd
