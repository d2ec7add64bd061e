// `llmctl serve` end to end: listen, load the model (answering /health 503
// meanwhile), run the engine thread, serve until SIGINT/SIGTERM, then drain:
// stop accepting, let running requests finish within the grace period
// (abort the rest), and return 0.
#pragma once

#include "runtime/session.hpp"
#include "server/context.hpp"

namespace llmctl::server {

struct ServeOptions {
  runtime::SessionOptions session;
  ServeConfig config;  // served_model_names empty: the model reference as given
};

// Blocks until a signal ends the server. Errors before the server is ready
// (port taken, model missing) are thrown as llmctl::Error.
int serve(ServeOptions options);

}  // namespace llmctl::server
