#include "text_model.hpp"

#include "model/catalog.hpp"
#include "model/resolve.hpp"
#include "util/error.hpp"

namespace llmctl::cmd {

namespace fs = std::filesystem;

fs::path tokenizer_dir(const std::string& reference, const std::string& wanted) {
  std::error_code ec;
  const fs::path path(reference);
  // A path wins, and needs no config.json (a tokenizer alone is enough here).
  if (fs::is_directory(path, ec)) return path;
  if (fs::is_regular_file(path, ec)) return path.has_parent_path() ? path.parent_path() : fs::path(".");
  const Catalog catalog = Catalog::embedded();
  const ResolvedModel model = resolve_model(reference, catalog);
  if (model.model_dir.empty() || !fs::exists(model.model_dir / wanted, ec)) {
    throw runtime_error("no " + wanted + " for " + reference + ": pull the model with `llmctl pull " + reference +
                            "` or pass a directory containing " + wanted,
                        "the built-in catalog knows model configurations, not their tokenizer files");
  }
  return model.model_dir;
}

}  // namespace llmctl::cmd
