#include "text/jinja/error.hpp"

namespace llmctl::jinja {

std::string_view python_exception_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::syntax: return "TemplateSyntaxError";
    case ErrorKind::assertion: return "TemplateAssertionError";
    case ErrorKind::undefined: return "UndefinedError";
    case ErrorKind::runtime: return "TemplateRuntimeError";
    case ErrorKind::raised: return "TemplateError";
    case ErrorKind::security: return "SecurityError";
    case ErrorKind::type: return "TypeError";
    case ErrorKind::value: return "ValueError";
    case ErrorKind::zero_division: return "ZeroDivisionError";
    case ErrorKind::overflow: return "OverflowError";
    case ErrorKind::key: return "KeyError";
    case ErrorKind::index: return "IndexError";
    case ErrorKind::recursion: return "RecursionError";
    case ErrorKind::unsupported: return "Unsupported";
  }
  return "Unsupported";
}

namespace {

std::string located(const std::string& name, int line, int column, const std::string& message) {
  if (line <= 0) return message;
  std::string out = name.empty() ? std::string("<template>") : name;
  out += ":" + std::to_string(line);
  if (column > 0) out += ":" + std::to_string(column);
  return out + ": " + message;
}

}  // namespace

TemplateError::TemplateError(ErrorKind kind, std::string message)
    : Error(ExitCode::runtime, message), kind_(kind), message_(std::move(message)) {}

TemplateError::TemplateError(ErrorKind kind, std::string message, std::string template_name,
                             int line, int column)
    : Error(ExitCode::runtime, located(template_name, line, column, message)),
      kind_(kind),
      message_(std::move(message)),
      template_name_(std::move(template_name)),
      line_(line),
      column_(column) {}

TemplateError TemplateError::with_position(std::string template_name, int line,
                                           int column) const {
  return TemplateError(kind_, message_, std::move(template_name), line, column);
}

void raise(ErrorKind kind, std::string message) { throw TemplateError(kind, std::move(message)); }

}  // namespace llmctl::jinja
