// `llmctl tokenize <model> "text"`: the token ids, pieces and count a model's
// tokenizer.json gives (identical to Hugging Face `tokenizers`).
#pragma once

#include "cli.hpp"

#include <string>

namespace llmctl::cmd {

struct TokenizeOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;
  std::string text;
  std::string file;          // read the text from a file ("-": stdin)
  std::string output;
  bool no_special = false;   // do not add the post-processor's BOS/EOS
  bool count_only = false;
  bool lines = false;        // each line of the text is its own input
  bool decode = false;       // the text is ids to decode instead
  bool skip_special = false; // with --decode: drop special tokens
};

CLI::App* register_tokenize(CLI::App& root, TokenizeOptions& opts);
int run_tokenize(const TokenizeOptions& opts);

}  // namespace llmctl::cmd
