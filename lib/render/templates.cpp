#include "render/templates.hpp"

#include "util/embedded.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <system_error>

namespace llmctl::render {

namespace fs = std::filesystem;

const std::vector<std::string>& manifest_template_names() {
  static const std::vector<std::string> names = {
      "pvc.yaml.j2",          "service.yaml.j2",      "deployment.yaml.j2",     "leaderworkerset.yaml.j2",
      "pdb.yaml.j2",          "scaledobject.yaml.j2", "hpa.yaml.j2",            "servicemonitor.yaml.j2",
      "ingress.yaml.j2",      "httproute.yaml.j2"};
  return names;
}

TemplateLoader TemplateLoader::for_command(const std::optional<fs::path>& template_dir, const char* env_template_dir,
                                           const fs::path& executable) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  if (template_dir) {
    if (!fs::is_directory(*template_dir, ec))
      throw usage_error(fmt::format("--template-dir '{}' is not a directory", template_dir->string()),
                        "pass a directory holding *.yaml.j2 templates (any subset of templates/)");
    dirs.push_back(*template_dir);
  }
  if (env_template_dir && *env_template_dir) dirs.emplace_back(env_template_dir);
  if (!executable.empty()) {
    const fs::path share = executable.parent_path().parent_path() / "share" / "llmctl" / "templates";
    if (fs::is_directory(share, ec)) dirs.push_back(share);
  }
  return TemplateLoader(std::move(dirs));
}

TemplateFile TemplateLoader::load(const std::string& name) const {
  std::error_code ec;
  for (const fs::path& dir : directories_) {
    const fs::path path = dir / name;
    if (!fs::is_regular_file(path, ec)) continue;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw runtime_error(fmt::format("cannot read template '{}'", path.string()), "check its permissions");
    std::ostringstream text;
    text << in.rdbuf();
    return {name, text.str(), path.string()};
  }
  if (auto embedded = embedded::template_file(name)) return {name, std::string(*embedded), "built-in"};
  throw runtime_error(fmt::format("no template '{}' in {} or built in", name,
                                  directories_.empty() ? std::string("any template directory")
                                                       : directories_.front().string()),
                      "reinstall llmctl or point --template-dir at a copy of templates/");
}

fs::path current_executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

}  // namespace llmctl::render
