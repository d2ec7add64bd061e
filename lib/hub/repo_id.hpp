// Model repository ids (`org/name`), revisions, and the file names a repository
// may contain, validated before any of them becomes a URL or a path on disk.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmctl::hub {

inline constexpr const char* kDefaultRevision = "main";

// A model repository on the Hub: "org/name", or a legacy un-namespaced "name".
struct RepoId {
  std::string id;

  // The cache folder huggingface_hub uses: "models--org--name".
  std::string folder_name() const;
  bool operator==(const RepoId&) const = default;
};

// `org/name[@revision]` as typed on the command line.
struct RepoRef {
  RepoId repo;
  std::optional<std::string> revision;
};

// Whether `text` is a syntactically valid repo id (huggingface_hub's rules:
// [A-Za-z0-9_.-] parts, at most one '/', no "--" or "..", at most 96 chars
// per part, no leading or trailing '-' or '.').
bool is_valid_repo_id(std::string_view text);

// Parses `org/name[@revision]`; throws a usage Error naming what is wrong.
RepoRef parse_repo_ref(std::string_view text);

// A full 40-hex-digit git commit hash, the only revision that never moves.
bool is_commit_hash(std::string_view revision);

// Whether a '/'-separated name received from the server (a repository file
// name, or a revision used as refs/<revision>) is safe to join onto a local
// directory: relative, no empty, "." or ".." components, no backslash or NUL.
bool is_safe_relative_path(std::string_view name);

// Percent-encodes for a URL path: every byte but unreserved ones, and '/'
// too unless `keep_slash` (revisions are encoded whole, file names per part).
std::string url_encode(std::string_view text, bool keep_slash);

}  // namespace llmctl::hub
