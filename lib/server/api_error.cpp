#include "server/api_error.hpp"

#include <fmt/format.h>

namespace llmctl::server {

ApiError bad_request(const std::string& message, std::string param) {
  return ApiError(400, message, "BadRequestError", std::move(param));
}

ApiError unauthorized() { return ApiError(401, "Unauthorized", "AuthenticationError"); }

ApiError model_not_found(const std::string& model) {
  // vLLM's OpenAIServing._check_model message.
  return ApiError(404, fmt::format("The model `{}` does not exist.", model), "NotFoundError", "model");
}

ApiError service_unavailable(const std::string& message) {
  return ApiError(503, message, "ServiceUnavailableError");
}

ApiError internal_error(const std::string& message) { return ApiError(500, message, "InternalServerError"); }

std::string error_type_for_status(int status) {
  switch (status) {
    case 400: return "BadRequestError";
    case 401: return "AuthenticationError";
    case 403: return "PermissionDeniedError";
    case 404: return "NotFoundError";
    case 405: return "MethodNotAllowedError";
    case 408: return "RequestTimeoutError";
    case 413: return "RequestEntityTooLargeError";
    case 414: return "RequestURITooLongError";
    case 422: return "UnprocessableEntityError";
    case 429: return "RateLimitError";
    case 503: return "ServiceUnavailableError";
    default: return status >= 500 ? "InternalServerError" : "BadRequestError";
  }
}

namespace {

Json body(const std::string& message, const std::string& type, const std::string& param, int status) {
  Json error = Json::object();
  error["message"] = message;
  error["type"] = type;
  error["param"] = param.empty() ? Json(nullptr) : Json(param);
  error["code"] = status;
  Json out = Json::object();
  out["error"] = std::move(error);
  return out;
}

}  // namespace

Json error_body(const ApiError& error) { return body(error.what(), error.type(), error.param(), error.status()); }

Json error_body(int status, const std::string& message) {
  return body(message, error_type_for_status(status), {}, status);
}

}  // namespace llmctl::server
