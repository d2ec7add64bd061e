#include "hub/repo_id.hpp"

#include "util/error.hpp"

#include <cctype>

namespace llmctl::hub {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

bool is_valid_part(std::string_view part) {
  if (part.empty() || part.size() > 96) return false;
  for (const char c : part)
    if (!is_name_char(c)) return false;
  const auto edge = [](char c) { return c == '-' || c == '.'; };
  return !edge(part.front()) && !edge(part.back());
}

}  // namespace

std::string RepoId::folder_name() const {
  std::string name = "models";
  std::string_view rest = id;
  while (true) {
    const auto slash = rest.find('/');
    name += "--";
    name += rest.substr(0, slash);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return name;
}

bool is_valid_repo_id(std::string_view text) {
  if (text.find("--") != std::string_view::npos || text.find("..") != std::string_view::npos) return false;
  if (text.ends_with(".git")) return false;
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return is_valid_part(text);
  return is_valid_part(text.substr(0, slash)) && is_valid_part(text.substr(slash + 1));
}

RepoRef parse_repo_ref(std::string_view text) {
  RepoRef ref;
  std::string_view id = text;
  if (const auto at = text.find('@'); at != std::string_view::npos) {
    id = text.substr(0, at);
    const std::string_view revision = text.substr(at + 1);
    if (revision.empty() || !is_safe_relative_path(revision))
      throw usage_error("invalid revision in '" + std::string(text) + "'",
                        "write org/name@revision, e.g. Qwen/Qwen3-1.7B@main");
    ref.revision = std::string(revision);
  }
  if (!is_valid_repo_id(id))
    throw usage_error("'" + std::string(id) + "' is not a valid Hugging Face model id",
                      "write org/name (letters, digits, '-', '_', '.'), e.g. Qwen/Qwen3-1.7B");
  ref.repo.id = std::string(id);
  return ref;
}

bool is_commit_hash(std::string_view revision) {
  if (revision.size() != 40) return false;
  for (const char c : revision)
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
  return true;
}

bool is_safe_relative_path(std::string_view name) {
  if (name.empty() || name.front() == '/') return false;
  if (name.find('\\') != std::string_view::npos || name.find('\0') != std::string_view::npos) return false;
  std::string_view rest = name;
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    rest.remove_prefix(slash + 1);
  }
}

std::string url_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace llmctl::hub
