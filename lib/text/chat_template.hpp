// A model's chat template, loaded and rendered as transformers'
// apply_chat_template does: the template from chat_template.jinja (which
// wins) or tokenizer_config.json's "chat_template" (a string, or a list of
// {name, template} choosing "tool_use" when tools are given, else
// "default"), rendered by the Jinja engine (lib/text/jinja) in transformers'
// sandboxed environment with messages, tools, documents,
// add_generation_prompt, the special tokens of tokenizer_config.json and any
// extra keyword (enable_thinking, ...), plus strftime_now and raise_exception.
#pragma once

#include "util/output.hpp"

#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llmctl {

struct ChatRequest {
  Json messages = Json::array();    // [{role, content (string or parts), tool_calls, ...}]
  Json tools = nullptr;             // null or a list of tool schemas
  Json documents = nullptr;         // null or a list of documents (RAG templates)
  bool add_generation_prompt = true;
  // transformers' continue_final_message: cut the prompt after the final
  // message's content so the model continues it (needs add_generation_prompt off).
  bool continue_final_message = false;
  Json kwargs = Json::object();     // chat_template_kwargs: enable_thinking, ...
  std::string template_name;        // "" = transformers' choice
  std::function<std::time_t()> clock;  // what strftime_now calls "now" (tests fix it)
};

class ChatTemplate {
 public:
  // `templates`: name -> Jinja source ("default" for a single template);
  // `special_tokens`: bos_token, eos_token, ... as strings.
  ChatTemplate(std::map<std::string, std::string> templates, Json special_tokens, std::string origin);

  // From a model directory (chat_template.jinja, additional_chat_templates/,
  // tokenizer_config.json). Throws a runtime Error when it has no template.
  static ChatTemplate from_dir(const std::filesystem::path& dir);
  // From the contents of tokenizer_config.json and, if any, chat_template.jinja.
  static ChatTemplate from_config(const Json& tokenizer_config, std::optional<std::string> jinja_file,
                                  std::string origin);

  // The exact prompt. Template errors (raise_exception, a feature the engine
  // lacks, a syntax error) become a runtime Error naming the template and cause.
  std::string render(const ChatRequest& request) const;

  // The name render() uses for `request` (transformers' selection rule).
  std::string select(const ChatRequest& request) const;
  std::vector<std::string> names() const;
  const Json& special_tokens() const { return special_tokens_; }

 private:
  std::map<std::string, std::string> templates_;
  Json special_tokens_;
  std::string origin_;  // where the template came from, for messages
};

// The special-token keywords transformers passes to every chat template
// (special_tokens_map): bos/eos/unk/sep/pad/cls/mask tokens that are set, as
// strings (an AddedToken object gives its content), and
// additional_special_tokens.
Json special_tokens_from_config(const Json& tokenizer_config);

}  // namespace llmctl
