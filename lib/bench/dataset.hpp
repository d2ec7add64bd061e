// The prompts of a serving benchmark (vLLM's datasets: random, sharegpt, custom JSONL).
//
// random: input lengths uniform in [L(1-r), L(1+r)] (r = --range-ratio), likewise
//   outputs. With a tokenizer each prompt is a run of consecutive vocabulary ids
//   from a random offset (vLLM's RandomDataset), decoded to text and re-encoded,
//   then trimmed or topped up until the text encodes to exactly the asked length.
//   Without one the prompt is words (about one token each) and its length an estimate.
// sharegpt: the first human turn is the prompt, the first reply's token count the
//   output length (unless --output-len); vLLM's filters (both >= 4 tokens, prompt
//   <= 1024, prompt + output <= 2048).
// jsonl: one {"prompt": ..., "output_tokens": N (optional)} per line (vLLM's custom).
// Entries are shuffled with the seed and reused when there are fewer than --num-prompts.
#pragma once

#include "bench/request.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace llmctl::tok {
class Tokenizer;
}

namespace llmctl::bench {

struct DatasetOptions {
  std::string name = "random";  // random | sharegpt | jsonl
  std::string path;             // sharegpt / jsonl file
  std::int64_t num_prompts = 1000;
  std::int64_t input_len = 1024;
  std::int64_t output_len = 128;
  bool output_len_given = false;  // --output-len overrides dataset lengths
  double range_ratio = 0.0;
  std::uint64_t seed = 0;
};

// Builds the prompts; `warn` receives notes (no tokenizer, entries skipped).
std::vector<SampleRequest> load_dataset(const DatasetOptions& options, const tok::Tokenizer* tokenizer,
                                        const std::function<void(const std::string&)>& warn = {});

// One random prompt of exactly `length` tokens by `tokenizer` (when reachable; the
// nearest length otherwise). Exposed for the tests.
std::string random_prompt(const tok::Tokenizer& tokenizer, std::int64_t length, std::uint64_t seed,
                          std::int64_t* actual_length);

}  // namespace llmctl::bench
