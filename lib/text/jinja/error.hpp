// The one exception type of the template engine. Its kind mirrors the Python
// exception jinja2 would raise, so tests can compare failures with jinja2 and
// callers can tell a template bug (syntax) from a bad context (undefined).
#pragma once

#include "util/error.hpp"

#include <string>
#include <string_view>

namespace llmctl::jinja {

enum class ErrorKind {
  syntax,          // TemplateSyntaxError
  assertion,       // TemplateAssertionError (unknown filter or test at compile time)
  undefined,       // UndefinedError
  runtime,         // TemplateRuntimeError
  raised,          // TemplateError raised by the template through raise_exception()
  security,        // SecurityError (sandboxed environment)
  type,            // TypeError
  value,           // ValueError
  zero_division,   // ZeroDivisionError
  overflow,        // OverflowError
  key,             // KeyError
  index,           // IndexError
  recursion,       // RecursionError (runaway recursive macros or nesting)
  unsupported,     // a jinja2 feature this engine does not implement
};

// The Python class name jinja2 would raise for `kind` ("UndefinedError"), or
// "Unsupported" for features jinja2 has and this engine lacks.
std::string_view python_exception_name(ErrorKind kind);

class TemplateError : public Error {
 public:
  // An error raised where the position is not known yet; the renderer adds
  // the template name, line and column of the innermost node it was evaluating.
  TemplateError(ErrorKind kind, std::string message);
  TemplateError(ErrorKind kind, std::string message, std::string template_name, int line,
                int column);

  ErrorKind kind() const noexcept { return kind_; }
  // The bare message, without the position prefix of what().
  const std::string& message() const noexcept { return message_; }
  const std::string& template_name() const noexcept { return template_name_; }
  int line() const noexcept { return line_; }      // 1-based; 0 when unknown
  int column() const noexcept { return column_; }  // 1-based, in code points; 0 when unknown
  bool has_position() const noexcept { return line_ > 0; }

  TemplateError with_position(std::string template_name, int line, int column) const;

 private:
  ErrorKind kind_;
  std::string message_;
  std::string template_name_;
  int line_ = 0;
  int column_ = 0;
};

// Shorthands for library code that raises from deep inside an evaluation.
[[noreturn]] void raise(ErrorKind kind, std::string message);
[[noreturn]] inline void type_error(std::string message) { raise(ErrorKind::type, std::move(message)); }
[[noreturn]] inline void unsupported(std::string message) {
  raise(ErrorKind::unsupported, std::move(message));
}

}  // namespace llmctl::jinja
