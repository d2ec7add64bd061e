#include "hub/errors.hpp"

#include <doctest/doctest.h>

using namespace llmctl::hub;

namespace {

HttpResponse status(long code, const std::string& error_code = {}) {
  HttpResponse r;
  r.status = code;
  if (!error_code.empty()) r.headers["x-error-code"] = error_code;
  return r;
}

std::string message_of(const HttpResponse& r, const RequestContext& c, const HubSettings& s) {
  try {
    throw_hub_error(r, c, s);
  } catch (const llmctl::Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("a gated model says what to do, with and without a token") {
  HubSettings s;
  const RequestContext c{"https://huggingface.co/org/gated/resolve/main/x", "org/gated", "main", "x"};
  CHECK(message_of(status(401, "GatedRepo"), c, s) ==
        "model org/gated is gated: accept its license on the Hub and set HF_TOKEN");
  s.token = "hf_x";
  s.token_source = "HF_TOKEN";
  CHECK(message_of(status(403, "GatedRepo"), c, s) ==
        "model org/gated is gated and the token from HF_TOKEN has no access to it");
}

TEST_CASE("unknown models, revisions and files are named") {
  const HubSettings s;
  CHECK(message_of(status(401, "RepoNotFound"), {"u", "org/none", "main", ""}, s) ==
        "model org/none not found on https://huggingface.co");
  CHECK(message_of(status(404, "RevisionNotFound"), {"u", "org/m", "v9", ""}, s) ==
        "revision 'v9' not found in model org/m");
  CHECK(message_of(status(404, "EntryNotFound"), {"u", "org/m", "main", "x.bin"}, s) ==
        "file 'x.bin' not found in model org/m at revision 'main'");
}

TEST_CASE("an unreachable Hub throws HubUnreachable, so the cache can answer") {
  const HubSettings s;
  HttpResponse r;
  r.error = TransportError::connect;
  r.error_message = "Could not resolve host: nowhere.invalid";
  CHECK(is_unreachable(r));
  CHECK_THROWS_AS(throw_hub_error(r, {"http://nowhere.invalid/x", "a/b", "main", ""}, s), HubUnreachable);
  CHECK(is_unreachable(status(503)));
  CHECK_FALSE(is_unreachable(status(404)));
  CHECK_THROWS_AS(throw_hub_error(status(503), {"u", "a/b", "main", ""}, s), HubUnreachable);
  try {
    throw_hub_error(status(404, "EntryNotFound"), {"u", "a/b", "main", "f"}, s);
  } catch (const HubUnreachable&) {
    FAIL("a 404 is an answer, not an unreachable Hub");
  } catch (const llmctl::Error& e) {
    CHECK(e.code() == llmctl::ExitCode::runtime);
  }
}

TEST_CASE("a cancelled transfer is exit code 130") {
  HttpResponse r;
  r.error = TransportError::cancelled;
  try {
    throw_hub_error(r, {}, HubSettings{});
  } catch (const llmctl::Error& e) {
    CHECK(e.code() == llmctl::ExitCode::interrupted);
  }
}
