#include "engine/types.hpp"

namespace llmctl::engine {

const char* to_string(FinishReason reason) {
  switch (reason) {
    case FinishReason::none: return "none";
    case FinishReason::stop: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::abort: return "abort";
  }
  return "none";
}

}  // namespace llmctl::engine
