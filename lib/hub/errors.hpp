// Failed Hub requests turned into llmctl::Error: the message names what
// failed (gated model, unknown model, revision or file, network), the hint
// names the fix. The Hub says which in its X-Error-Code header.
#pragma once

#include "hub/http.hpp"
#include "hub/settings.hpp"
#include "util/error.hpp"

#include <string>

namespace llmctl::hub {

// What was being asked for, so the message can name it.
struct RequestContext {
  std::string url;
  std::string repo;      // "org/name"
  std::string revision;  // may be empty
  std::string filename;  // may be empty
};

// Thrown instead of a plain Error when the Hub could not be reached at all
// (DNS, refused connection, timeout, 5xx): a cached copy may answer instead.
class HubUnreachable : public Error {
 public:
  using Error::Error;
};

// Throws the Error for a response that is not a success (a transport
// failure, an HTTP status >= 400, or an unexpected one).
[[noreturn]] void throw_hub_error(const HttpResponse& response, const RequestContext& context,
                                  const HubSettings& settings);

bool is_unreachable(const HttpResponse& response);

}  // namespace llmctl::hub
