// Helpers shared by the model and sizing tests: loading the real published
// configs under shared/data/models and capturing llmctl::Error text.
#pragma once

#include "model/config.hpp"
#include "test_paths.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>

namespace llmctl::test {

// shared/data/models/<org>__<name>/config.json, parsed.
inline ModelConfig shared_config(const std::string& org_and_name) {
  return load_model_config(shared_data() / "models" / org_and_name / "config.json");
}

// tests/data/model/<relative>, parsed.
inline ModelConfig fixture_config(const std::string& relative) {
  return load_model_config(test_data() / "model" / relative);
}

// The Error thrown by `body` ("" and a failed check when nothing is thrown).
struct CaughtError {
  std::string message;
  std::string hint;
  ExitCode code = ExitCode::ok;
};

inline CaughtError catch_error(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    return {e.what(), e.hint(), e.code()};
  }
  FAIL_CHECK("expected an llmctl::Error");
  return {};
}

// The message parse_model_config throws for `config` (source name "test.json").
inline std::string parse_error(const Json& config) {
  return catch_error([&] { parse_model_config(config, "test.json"); }).message;
}

}  // namespace llmctl::test
