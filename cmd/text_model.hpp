// Where the text commands (tokenize, chat-template) find a model's tokenizer
// files: a path given on the command line, or the local copy (HF cache
// snapshot, local directory) of a catalog alias or HF id.
#pragma once

#include <filesystem>
#include <string>

namespace llmctl::cmd {

// The directory holding the model's tokenizer files. `reference` may be a
// directory, a file inside one (tokenizer.json, tokenizer_config.json, ...),
// a catalog alias or an HF id. `wanted` names the file the caller needs (for
// the error when the model has no local files).
std::filesystem::path tokenizer_dir(const std::string& reference, const std::string& wanted);

}  // namespace llmctl::cmd
