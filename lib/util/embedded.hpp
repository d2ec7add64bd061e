// Files compiled into the binary (see cmake/embed.cmake): the model catalog
// under catalog/ and, as a fallback, the manifest templates.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace llmctl::embedded {

struct EmbeddedFile {
  std::string_view path;      // relative to the embedded directory, '/'-separated
  std::string_view contents;  // exact bytes
};

// Sorted by path.
std::span<const EmbeddedFile> catalog_files();

// The contents of one embedded catalog file, or nothing.
std::optional<std::string_view> catalog_file(std::string_view path);

// The manifest templates of templates/ (llmctl render's fallback when no
// template directory has them), sorted by path.
std::span<const EmbeddedFile> templates_files();

// The contents of one embedded template file, or nothing.
std::optional<std::string_view> template_file(std::string_view path);

}  // namespace llmctl::embedded
