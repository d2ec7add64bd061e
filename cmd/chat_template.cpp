#include "chat_template.hpp"

#include "text_model.hpp"

#include "text/chat_template.hpp"
#include "text/tokenizer/tokenizer.hpp"
#include "util/error.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace llmctl::cmd {

CLI::App* register_chat_template(CLI::App& root, ChatTemplateOptions& o) {
  auto* app = root.add_subcommand("chat-template",
                                  "Render a conversation with the model's chat template: the exact prompt");
  app->add_option("model", o.model,
                  "Model: a directory with tokenizer_config.json or chat_template.jinja, a file in it, or a "
                  "catalog alias / HF id pulled into the local cache")
      ->required()
      ->type_name("MODEL");
  app->add_option("--messages", o.messages,
                  "JSON file ('-' for stdin): a list of messages, or an object with \"messages\" (and \"tools\")")
      ->required()
      ->type_name("FILE");
  app->add_option("--tools", o.tools, "JSON file with a list of tool schemas")->type_name("FILE");
  app->add_option("--kwargs", o.kwargs, "Extra template variables as a JSON object, e.g. '{\"enable_thinking\": false}'")
      ->type_name("JSON");
  app->add_option("--template", o.template_name, "Which of several named templates (default: as transformers picks)")
      ->type_name("NAME");
  app->add_flag("--no-generation-prompt", o.no_generation_prompt, "Do not open the assistant's turn");
  app->add_flag("--continue-final-message", o.continue_final_message,
                "End the prompt inside the final message so the model continues it");
  app->add_flag("--count-tokens", o.count_tokens, "Also count the prompt's tokens (needs tokenizer.json)");
  cli::add_output_option(*app, o.output);
  cli::set_examples(*app,
                    "  llmctl chat-template ./Qwen3-0.6B/ --messages chat.json\n"
                    "  llmctl chat-template ./Qwen3-0.6B/ --messages chat.json --tools tools.json\n"
                    "  llmctl chat-template ./Qwen3-0.6B/ --messages chat.json --kwargs '{\"enable_thinking\": false}'\n"
                    "  llmctl chat-template Qwen/Qwen3-0.6B --messages - -o json < request.json\n");
  return app;
}

namespace {

Json read_json_file(const std::string& path, const char* what) {
  std::ostringstream buffer;
  if (path == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw runtime_error(std::string("cannot read the ") + what + " file " + path);
    buffer << in.rdbuf();
  }
  try {
    return Json::parse(buffer.str());
  } catch (const std::exception& e) {
    throw usage_error(std::string("the ") + what + " file " + path + " is not valid JSON: " + e.what());
  }
}

}  // namespace

int run_chat_template(const ChatTemplateOptions& o) {
  const auto format = parse_output_format(o.output);
  ChatRequest request;
  const Json messages = read_json_file(o.messages, "messages");
  if (messages.is_array()) {
    request.messages = messages;
  } else if (messages.is_object() && messages.contains("messages")) {
    // An OpenAI-style request body: messages, tools, chat_template_kwargs.
    request.messages = messages.at("messages");
    if (messages.contains("tools")) request.tools = messages.at("tools");
    if (messages.contains("chat_template_kwargs")) request.kwargs = messages.at("chat_template_kwargs");
  } else {
    throw usage_error("the messages file must hold a JSON list of messages or an object with \"messages\"");
  }
  if (!request.messages.is_array()) throw usage_error("\"messages\" must be a JSON list");
  if (!o.tools.empty()) {
    request.tools = read_json_file(o.tools, "tools");
    if (!request.tools.is_array()) throw usage_error("the tools file must hold a JSON list of tool schemas");
  }
  if (!o.kwargs.empty()) {
    Json kwargs;
    try {
      kwargs = Json::parse(o.kwargs);
    } catch (const std::exception& e) {
      throw usage_error(std::string("--kwargs is not valid JSON: ") + e.what(), "e.g. --kwargs '{\"enable_thinking\": false}'");
    }
    if (!kwargs.is_object()) throw usage_error("--kwargs must be a JSON object");
    for (const auto& [key, value] : kwargs.items()) request.kwargs[key] = value;
  }
  request.add_generation_prompt = !o.no_generation_prompt && !o.continue_final_message;
  request.continue_final_message = o.continue_final_message;
  request.template_name = o.template_name;

  const std::filesystem::path dir = tokenizer_dir(o.model, "tokenizer_config.json");
  const ChatTemplate chat = ChatTemplate::from_dir(dir);
  const std::string prompt = chat.render(request);

  Json data{{"template", chat.select(request)}, {"prompt", prompt}};
  if (o.count_tokens) {
    const tok::Tokenizer tokenizer = tok::Tokenizer::from_file(dir / "tokenizer.json");
    // The template writes BOS itself where the model wants one, as vLLM assumes.
    data["tokens"] = tokenizer.encode(prompt, false).size();
  }
  if (format == OutputFormat::table) {
    std::cout << prompt;  // exactly the prompt: no newline of our own
    if (o.count_tokens) std::cerr << data["tokens"].get<std::size_t>() << " tokens\n";
    return 0;
  }
  emit(std::cout, format, data, [] { return std::string(); });
  return 0;
}

}  // namespace llmctl::cmd
