// What one benchmark request sends and what the client measured for it.
// Times are seconds on the steady clock, relative to the benchmark's start
// (the instant the first request was due), so they can be compared directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llmctl::bench {

// One prompt of the workload (vLLM's SampleRequest).
struct SampleRequest {
  std::string prompt;
  std::int64_t prompt_len = 0;           // tokens, by the tokenizer (0: unknown)
  std::int64_t expected_output_len = 0;  // max_tokens asked for
};

// Where a request's output token count came from.
enum class TokenSource { none, usage, tokenizer, chunks };
const char* to_string(TokenSource source);

// vLLM's RequestFuncOutput plus the scheduling facts llmctl reports.
struct RequestResult {
  bool success = false;
  std::string error;           // why it failed (HTTP status and body, transport error)
  long http_status = 0;
  double scheduled_s = 0.0;    // when the arrival process said it should be sent
  double arrival_s = 0.0;      // when the loop released it (scheduled_s + send lag)
  double start_s = 0.0;        // when it was handed to the network (after --max-concurrency)
  double ttft = 0.0;           // start -> first chunk carrying text (s)
  double latency = 0.0;        // start -> last chunk carrying text (E2EL, s)
  std::vector<double> itl;     // gaps between text-carrying chunks (s)
  std::string generated_text;  // content and reasoning text, concatenated
  std::int64_t prompt_len = 0;
  std::int64_t output_tokens = 0;
  TokenSource prompt_source = TokenSource::none;   // usage or tokenizer (dataset)
  TokenSource output_source = TokenSource::none;
  std::int64_t text_chunks = 0;                    // chunks that carried text
  double send_lag() const { return arrival_s - scheduled_s; }
  double queue_time() const { return start_s - arrival_s; }  // waiting for a concurrency slot
};

}  // namespace llmctl::bench
