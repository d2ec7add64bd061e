// Where the manifest templates come from. Each file is looked up on its own,
// first found wins: --template-dir, then $LLMCTL_TEMPLATE_DIR, then
// <prefix>/share/llmctl/templates beside the installed binary, then the copy
// compiled into the binary; so a directory may override any one template.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace llmctl::render {

// The manifests, in the order they are rendered and applied.
const std::vector<std::string>& manifest_template_names();

// The values file with every key and its default.
inline constexpr const char* kValuesFile = "values.yaml";

struct TemplateFile {
  std::string name;    // deployment.yaml.j2
  std::string text;
  std::string origin;  // the file's path, or "built-in"
};

class TemplateLoader {
 public:
  // `directories` in search order; the embedded copy is always the last resort.
  explicit TemplateLoader(std::vector<std::filesystem::path> directories) : directories_(std::move(directories)) {}

  // The search path of the command: --template-dir (optional, must exist),
  // $LLMCTL_TEMPLATE_DIR (when set), the install's share directory (when it exists).
  static TemplateLoader for_command(const std::optional<std::filesystem::path>& template_dir,
                                    const char* env_template_dir, const std::filesystem::path& executable);

  // A runtime Error when no directory and no embedded copy has it.
  TemplateFile load(const std::string& name) const;

  const std::vector<std::filesystem::path>& directories() const { return directories_; }

 private:
  std::vector<std::filesystem::path> directories_;
};

// The running binary (/proc/self/exe), or an empty path.
std::filesystem::path current_executable();

}  // namespace llmctl::render
