// `llmctl chat-template <model> --messages FILE`: the exact prompt the
// model's chat template renders (identical to transformers' apply_chat_template).
#pragma once

#include "cli.hpp"

#include <string>

namespace llmctl::cmd {

struct ChatTemplateOptions {
  const cli::GlobalOptions* global = nullptr;
  std::string model;
  std::string messages;  // file: a JSON list of messages, or a request object with "messages"
  std::string tools;     // file: a JSON list of tools
  std::string kwargs;    // inline JSON object: chat_template_kwargs
  std::string template_name;
  std::string output;
  bool no_generation_prompt = false;
  bool continue_final_message = false;
  bool count_tokens = false;
};

CLI::App* register_chat_template(CLI::App& root, ChatTemplateOptions& opts);
int run_chat_template(const ChatTemplateOptions& opts);

}  // namespace llmctl::cmd
