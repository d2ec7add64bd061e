#include "inspect.hpp"

#include "model/catalog.hpp"
#include "model/config.hpp"
#include "model/resolve.hpp"
#include "sizing/parameters.hpp"
#include "util/units.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <iostream>

namespace llmctl::cmd {

CLI::App* register_inspect(CLI::App& root, InspectOptions& opts) {
  auto* app = root.add_subcommand(
      "inspect", "Show a model's resolved source, parsed configuration and parameter count");
  cli::add_model_argument(*app, opts.model);
  cli::add_output_option(*app, opts.output);
  cli::set_examples(*app,
                    "  llmctl inspect qwen3-1.7b\n"
                    "  llmctl inspect Qwen/Qwen3-1.7B -o json\n"
                    "  llmctl inspect ./my-model/            # a directory with config.json\n"
                    "  llmctl inspect ./config.json -o yaml\n");
  return app;
}

namespace {

// Flattens nested JSON into "a.b.c  value" rows for the table view.
void flatten(const Json& value, const std::string& prefix, Table& table) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items())
      flatten(item, prefix.empty() ? key : prefix + "." + key, table);
    return;
  }
  if (value.is_array() && !value.empty() && (value.front().is_object() || value.size() > 8)) {
    table.rows.push_back({prefix, "[" + std::to_string(value.size()) + " items, see -o yaml]"});
    return;
  }
  table.rows.push_back({prefix, value.is_string() ? value.get<std::string>() : value.dump()});
}

}  // namespace

int run_inspect(const InspectOptions& opts) {
  const auto format = parse_output_format(opts.output);
  const Catalog catalog = Catalog::embedded();
  hub::HubClient client(hub::HubSettings::from_env(hub::process_env()));
  const auto& hub_settings = client.settings();
  cli::verbose(*opts.global, fmt::format("resolving '{}': path, catalog ({} models), HF cache {}, then {}", opts.model,
                                         catalog.entries().size(), hub_settings.cache_dir.string(),
                                         hub_settings.offline ? "no Hub (HF_HUB_OFFLINE)" : hub_settings.endpoint));
  const ResolvedModel model = resolve_model(opts.model, catalog, client);
  cli::verbose(*opts.global, fmt::format("answered by {}: {}", source_kind_name(model.source), model.source_detail));
  const ParameterBreakdown params = count_parameters(model.config);

  Json data{{"model", model.name},
            {"source", {{"kind", source_kind_name(model.source)}, {"detail", model.source_detail}}},
            {"config", model_config_to_json(model.config)},
            {"parameters", parameters_to_json(params)}};
  if (model.catalog_entry) data["source"]["alias"] = model.catalog_entry->alias;

  emit(std::cout, format, data, [&] {
    Table table{{"FIELD", "VALUE"}, {}, {}};
    table.rows.push_back({"model", model.name});
    table.rows.push_back({"source", model.source_detail});
    flatten(data["config"], "config", table);
    for (const auto& [key, value] : data["parameters"].items()) {
      const auto count = value.get<std::uint64_t>();
      if (count == 0 && key != "total") continue;  // parts this architecture does not have
      table.rows.push_back({"parameters." + key, format_count(count) + " (" + std::to_string(count) + ")"});
    }
    return table.render(cli::stdout_color(*opts.global));
  });
  return 0;
}

}  // namespace llmctl::cmd
