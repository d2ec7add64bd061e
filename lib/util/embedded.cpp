#include "util/embedded.hpp"

#include <algorithm>

namespace llmctl::embedded {

std::optional<std::string_view> catalog_file(std::string_view path) {
  const auto files = catalog_files();
  const auto it = std::lower_bound(files.begin(), files.end(), path,
                                   [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  if (it == files.end() || it->path != path) return std::nullopt;
  return it->contents;
}

}  // namespace llmctl::embedded
