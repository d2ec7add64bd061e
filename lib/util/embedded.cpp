#include "util/embedded.hpp"

#include <algorithm>

namespace llmctl::embedded {

namespace {

std::optional<std::string_view> find_file(std::span<const EmbeddedFile> files, std::string_view path) {
  const auto it = std::lower_bound(files.begin(), files.end(), path,
                                   [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  if (it == files.end() || it->path != path) return std::nullopt;
  return it->contents;
}

}  // namespace

std::optional<std::string_view> catalog_file(std::string_view path) { return find_file(catalog_files(), path); }

std::optional<std::string_view> template_file(std::string_view path) { return find_file(templates_files(), path); }

}  // namespace llmctl::embedded
