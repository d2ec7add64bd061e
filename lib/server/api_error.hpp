// Errors of the OpenAI-compatible API, in OpenAI's shape (what vLLM's
// create_error_response sends):
//   {"error": {"message": "...", "type": "BadRequestError", "param": null, "code": 400}}
// Request handling throws ApiError; the HTTP layer turns it into the status
// and this body. Any other exception escaping a handler is a 500.
#pragma once

#include "util/output.hpp"  // Json

#include <stdexcept>
#include <string>

namespace llmctl::server {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message, std::string type, std::string param = {})
      : std::runtime_error(message), status_(status), type_(std::move(type)), param_(std::move(param)) {}

  int status() const noexcept { return status_; }
  const std::string& type() const noexcept { return type_; }
  const std::string& param() const noexcept { return param_; }  // "" -> null

 private:
  int status_;
  std::string type_;
  std::string param_;
};

// The constructors of the statuses the server sends (vLLM's err_type names).
ApiError bad_request(const std::string& message, std::string param = {});   // 400 BadRequestError
ApiError unauthorized();                                                    // 401 AuthenticationError
ApiError model_not_found(const std::string& model);                        // 404 NotFoundError
ApiError service_unavailable(const std::string& message);                  // 503 ServiceUnavailableError
ApiError internal_error(const std::string& message);                       // 500 InternalServerError

// {"error": {...}} of an ApiError, or of a bare status with a message (errors
// the HTTP library detects itself: 413, unknown routes, malformed HTTP).
Json error_body(const ApiError& error);
Json error_body(int status, const std::string& message);

// The type name for a status: "BadRequestError", "NotFoundError", ...
std::string error_type_for_status(int status);

}  // namespace llmctl::server
