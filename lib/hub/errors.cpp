#include "hub/errors.hpp"

#include <fmt/format.h>

namespace llmctl::hub {

namespace {

std::string host_of(const std::string& url) {
  const std::string origin = url_origin(url);
  return origin.empty() ? url : origin;
}

Error transport_error(const HttpResponse& r, const RequestContext& c, const HubSettings& s) {
  const std::string where = host_of(c.url.empty() ? s.endpoint : c.url);
  switch (r.error) {
    case TransportError::connect:
      return runtime_error(fmt::format("cannot reach {}: {}", where, r.error_message),
                           "check the network and HF_ENDPOINT; set HF_HUB_OFFLINE=1 to use only the local cache");
    case TransportError::timeout:
      return runtime_error(fmt::format("{} stopped answering: {}", where, r.error_message),
                           "on a slow network raise HF_HUB_DOWNLOAD_TIMEOUT and HF_HUB_ETAG_TIMEOUT (seconds)");
    case TransportError::interrupted:
      return runtime_error(fmt::format("the connection to {} broke: {}", where, r.error_message),
                           "run the command again; downloads resume where they stopped");
    case TransportError::cancelled:
      return Error(ExitCode::interrupted, "interrupted", "run the command again to resume");
    default:
      return runtime_error(fmt::format("request to {} failed: {}", where, r.error_message));
  }
}

Error describe(const HttpResponse& r, const RequestContext& c, const HubSettings& s) {
  if (r.error != TransportError::none) return transport_error(r, c, s);

  const std::string code = r.header("x-error-code");
  const std::string server_says = r.header("x-error-message");
  const std::string page = s.endpoint + "/" + c.repo;
  const bool has_token = !s.token.empty();

  if (code == "GatedRepo" || ((r.status == 401 || r.status == 403) && code.empty() && !c.filename.empty() && !has_token)) {
    if (!has_token)
      return runtime_error(fmt::format("model {} is gated: accept its license on the Hub and set HF_TOKEN", c.repo),
                           fmt::format("accept the conditions at {}, then export HF_TOKEN=hf_... (or pass --token)", page));
    return runtime_error(
        fmt::format("model {} is gated and the token from {} has no access to it", c.repo, s.token_source),
        fmt::format("accept the conditions at {} with the account that owns this token", page));
  }
  if (code == "RepoNotFound" || (r.status == 401 && code.empty())) {
    if (r.status == 401 && has_token && code.empty())
      return runtime_error(fmt::format("the Hub rejected the token from {}", s.token_source),
                           "check HF_TOKEN (or --token, or the token file); create one at " + s.endpoint + "/settings/tokens");
    return runtime_error(fmt::format("model {} not found on {}", c.repo, s.endpoint),
                         has_token ? "check the id (org/name)"
                                   : "check the id (org/name); for a private model set HF_TOKEN");
  }
  if (code == "RevisionNotFound")
    return runtime_error(fmt::format("revision '{}' not found in model {}", c.revision, c.repo),
                         "use a branch, a tag or a commit hash of " + page);
  if (code == "EntryNotFound" || (r.status == 404 && !c.filename.empty()))
    return runtime_error(fmt::format("file '{}' not found in model {} at revision '{}'", c.filename, c.repo, c.revision),
                         "list the files with `llmctl pull " + c.repo + " --dry-run`");
  if (r.status == 404)
    return runtime_error(fmt::format("model {} or its revision '{}' not found on {}", c.repo, c.revision, s.endpoint),
                         "check the id and the revision");
  if (r.status == 403)
    return runtime_error(fmt::format("access to model {} is forbidden{}", c.repo,
                                     server_says.empty() ? "" : ": " + server_says),
                         "check that the token has read access");
  if (r.status == 429)
    return runtime_error(fmt::format("{} is rate-limiting requests", s.endpoint),
                         has_token ? "wait a minute and try again" : "wait a minute, or set HF_TOKEN for a higher limit");
  if (r.status == 416)
    return runtime_error(fmt::format("{} refused the byte range asked for '{}'", host_of(c.url), c.filename));
  if (r.status >= 500)
    return runtime_error(fmt::format("{} answered HTTP {} for {}", host_of(c.url), r.status, c.url),
                         "the Hub has a problem; try again later, or set HF_HUB_OFFLINE=1 to use the cache");
  return runtime_error(fmt::format("unexpected HTTP {} from {}{}", r.status, c.url,
                                   server_says.empty() ? "" : ": " + server_says));
}

}  // namespace

bool is_unreachable(const HttpResponse& r) {
  return r.error == TransportError::connect || r.error == TransportError::timeout ||
         (r.error == TransportError::none && r.status >= 500);
}

void throw_hub_error(const HttpResponse& r, const RequestContext& c, const HubSettings& s) {
  Error error = describe(r, c, s);
  if (is_unreachable(r)) throw HubUnreachable(error.code(), error.what(), error.hint());
  throw error;
}

}  // namespace llmctl::hub
