#include "hub/api.hpp"

#include "hub/errors.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

namespace llmctl::hub {

namespace {

constexpr int kMaxRedirects = 5;

// The `<url>; rel="next"` entry of a Link header (the tree listing's pagination).
std::string next_link(const std::string& link) {
  for (std::size_t start = 0; start < link.size();) {
    const auto end = link.find(',', start);
    const std::string part = link.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const auto open = part.find('<');
    const auto close = part.find('>');
    if (open != std::string::npos && close != std::string::npos && part.find("rel=\"next\"") != std::string::npos)
      return part.substr(open + 1, close - open - 1);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

Json parse_json(const std::string& body, const std::string& url) {
  try {
    return Json::parse(body);
  } catch (const Json::parse_error&) {
    throw runtime_error("the Hub answered " + url + " with something that is not JSON",
                        "check HF_ENDPOINT: it must point to a Hugging Face Hub");
  }
}

std::uint64_t parse_size(const std::string& text) {
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

std::string normalize_etag(std::string_view raw) {
  if (raw.starts_with("W/")) raw.remove_prefix(2);
  while (!raw.empty() && raw.front() == '"') raw.remove_prefix(1);
  while (!raw.empty() && raw.back() == '"') raw.remove_suffix(1);
  return std::string(raw);
}

HubClient::HubClient(HubSettings settings)
    : settings_(std::move(settings)), endpoint_origin_(url_origin(settings_.endpoint)) {}

HttpRequest HubClient::request(const std::string& url) const {
  HttpRequest r;
  r.url = url;
  r.headers.push_back("Accept-Encoding: identity");
  r.connect_timeout_s = settings_.metadata_timeout_s;
  r.stall_timeout_s = settings_.metadata_timeout_s;
  return r;
}

std::string HubClient::resolve_url(const RepoId& repo, const std::string& revision,
                                   const std::string& filename) const {
  return fmt::format("{}/{}/resolve/{}/{}", settings_.endpoint, repo.id, url_encode(revision, false),
                     url_encode(filename, true));
}

HttpResponse HubClient::fetch(HttpSession& session, HttpRequest request, const BodySink& sink,
                              const CancelCheck& cancel) const {
  const std::vector<std::string> base_headers = request.headers;
  for (int hop = 0;; ++hop) {
    request.headers = base_headers;
    if (!settings_.token.empty() && url_origin(request.url) == endpoint_origin_)
      request.headers.push_back("Authorization: Bearer " + settings_.token);
    HttpResponse response = session.perform(request, sink, cancel);
    const bool redirect = response.error == TransportError::none && response.status >= 300 &&
                          response.status < 400 && !response.redirect_url.empty();
    if (!redirect || hop == kMaxRedirects) return response;
    request.url = response.redirect_url;
  }
}

HttpResponse HubClient::get_json(const std::string& url) {
  return fetch(session_, request(url));
}

RepoInfo HubClient::repo_info(const RepoId& repo, const std::string& revision) {
  const std::string url =
      fmt::format("{}/api/models/{}/revision/{}", settings_.endpoint, repo.id, url_encode(revision, false));
  const HttpResponse response = get_json(url);
  if (!response.ok()) throw_hub_error(response, {url, repo.id, revision, {}}, settings_);
  const Json info = parse_json(response.body, url);
  RepoInfo out;
  out.commit = info.value("sha", "");
  if (!is_commit_hash(out.commit))
    throw runtime_error(fmt::format("the Hub gave no valid commit for {}@{}", repo.id, revision));
  const auto gated = info.find("gated");
  out.gated = gated == info.end() ? "false" : gated->is_string() ? gated->get<std::string>() : gated->dump();
  out.is_private = info.value("private", false);
  return out;
}

std::vector<RepoFile> HubClient::list_files(const RepoId& repo, const std::string& revision) {
  std::vector<RepoFile> files;
  std::string url = fmt::format("{}/api/models/{}/tree/{}?recursive=true&expand=false", settings_.endpoint,
                                repo.id, url_encode(revision, false));
  for (int page = 0; !url.empty(); ++page) {
    if (page > 10000) throw runtime_error("the file listing of " + repo.id + " does not end");
    const HttpResponse response = get_json(url);
    if (!response.ok()) throw_hub_error(response, {url, repo.id, revision, {}}, settings_);
    const Json entries = parse_json(response.body, url);
    if (!entries.is_array()) throw runtime_error("the file listing of " + repo.id + " is not a JSON array");
    for (const Json& entry : entries) {
      if (entry.value("type", "") != "file") continue;
      RepoFile file;
      file.path = entry.value("path", "");
      file.blob_id = entry.value("oid", "");
      file.size = entry.value("size", std::uint64_t{0});
      if (const auto lfs = entry.find("lfs"); lfs != entry.end() && lfs->is_object()) {
        file.sha256 = lfs->value("oid", "");
        file.size = lfs->value("size", file.size);
      }
      files.push_back(std::move(file));
    }
    url = next_link(response.header("link"));
  }
  return files;
}

FileMetadata HubClient::file_metadata(const RepoId& repo, const std::string& revision,
                                      const std::string& filename) {
  std::string url = resolve_url(repo, revision, filename);
  for (int hop = 0;; ++hop) {
    HttpRequest head = request(url);
    head.head = true;
    if (!settings_.token.empty()) head.headers.push_back("Authorization: Bearer " + settings_.token);
    const HttpResponse response = session_.perform(head);
    const bool redirect = response.error == TransportError::none && response.status >= 300 && response.status < 400;
    // Only a same-origin redirect is a renamed repository; a redirect elsewhere
    // is the CDN holding the bytes, and its headers are the answer.
    if (redirect && hop < kMaxRedirects && url_origin(response.redirect_url) == endpoint_origin_ &&
        response.header("x-linked-etag").empty()) {
      url = response.redirect_url;
      continue;
    }
    if (!response.ok() && !redirect) throw_hub_error(response, {url, repo.id, revision, filename}, settings_);

    FileMetadata meta;
    meta.commit = response.header("x-repo-commit");
    const std::string linked = response.header("x-linked-etag");
    meta.etag = normalize_etag(linked.empty() ? response.header("etag") : linked);
    const std::string linked_size = response.header("x-linked-size");
    meta.size = parse_size(linked_size.empty() ? response.header("content-length") : linked_size);
    meta.location = redirect ? response.redirect_url : url;
    if (meta.commit.empty() || meta.etag.empty())
      throw runtime_error(fmt::format("{} sent no X-Repo-Commit or ETag for '{}'", settings_.endpoint, filename),
                          "a proxy may strip headers; check HF_ENDPOINT");
    return meta;
  }
}

}  // namespace llmctl::hub
