#include "models.hpp"

#include "model/catalog.hpp"
#include "model/config.hpp"
#include "sizing/parameters.hpp"
#include "util/units.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>

namespace llmctl::cmd {

CLI::App* register_models(CLI::App& root, ModelsOptions& opts) {
  auto* app = root.add_subcommand("models", "List the built-in model catalog (aliases, HF ids, sizes)");
  app->add_option("filter", opts.filter, "Only models whose alias, HF id or architecture contains this text");
  cli::add_output_option(*app, opts.output);
  cli::set_examples(*app,
                    "  llmctl models\n"
                    "  llmctl models qwen3\n"
                    "  llmctl models -o json\n");
  return app;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

int run_models(const ModelsOptions& opts) {
  const auto format = parse_output_format(opts.output);
  const Catalog catalog = Catalog::embedded();
  const std::string needle = lower(opts.filter);

  Json models = Json::array();
  Table table{{"ALIAS", "HF ID", "ARCHITECTURE", "PARAMS", "ACTIVE", "CONTEXT"},
              {Align::left, Align::left, Align::left, Align::right, Align::right, Align::right},
              {}};
  for (const auto& entry : catalog.entries()) {
    const ModelConfig config = catalog.config(entry);
    if (!needle.empty() && lower(entry.alias).find(needle) == std::string::npos &&
        lower(entry.hf_id).find(needle) == std::string::npos &&
        lower(config.architecture).find(needle) == std::string::npos)
      continue;
    const ParameterBreakdown params = count_parameters(config);
    const bool moe = params.active != params.total;
    models.push_back(Json{{"alias", entry.alias},
                          {"hf_id", entry.hf_id},
                          {"architecture", config.architecture},
                          {"model_type", config.model_type},
                          {"parameters", params.total},
                          {"active_parameters", params.active},
                          {"max_position_embeddings", config.max_position_embeddings},
                          {"description", entry.description}});
    table.rows.push_back({entry.alias, entry.hf_id, config.architecture, format_count(params.total),
                          moe ? format_count(params.active) : "-",
                          format_tokens(config.max_position_embeddings)});
  }
  emit(std::cout, format, Json{{"models", models}},
       [&] { return table.render(cli::stdout_color(*opts.global)); });
  return 0;
}

}  // namespace llmctl::cmd
