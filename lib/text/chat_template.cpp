#include "text/chat_template.hpp"

#include "text/jinja/environment.hpp"
#include "util/error.hpp"

#include <fstream>
#include <sstream>

namespace llmctl {

namespace {

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// An AddedToken-style {"content": ...} object or a plain string.
std::optional<std::string> token_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("content") && value.at("content").is_string()) {
    return value.at("content").get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

Json special_tokens_from_config(const Json& config) {
  Json out = Json::object();
  for (const char* key : {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"}) {
    if (!config.contains(key)) continue;
    if (auto text = token_text(config.at(key))) out[key] = *text;
  }
  if (config.contains("additional_special_tokens") && config.at("additional_special_tokens").is_array()) {
    Json list = Json::array();
    for (const Json& t : config.at("additional_special_tokens")) {
      if (auto text = token_text(t)) list.push_back(*text);
    }
    out["additional_special_tokens"] = list;
  }
  return out;
}

ChatTemplate::ChatTemplate(std::map<std::string, std::string> templates, Json special_tokens, std::string origin)
    : templates_(std::move(templates)), special_tokens_(std::move(special_tokens)), origin_(std::move(origin)) {}

ChatTemplate ChatTemplate::from_config(const Json& config, std::optional<std::string> jinja_file, std::string origin) {
  std::map<std::string, std::string> templates;
  if (config.contains("chat_template")) {
    const Json& t = config.at("chat_template");
    if (t.is_string()) {
      templates["default"] = t.get<std::string>();
    } else if (t.is_array()) {
      for (const Json& item : t) templates[item.at("name").get<std::string>()] = item.at("template").get<std::string>();
    }
  }
  // transformers reads chat_template.jinja over tokenizer_config.json's template.
  if (jinja_file) {
    if (templates.size() > 1) {
      templates["default"] = *jinja_file;
    } else {
      templates = {{"default", *jinja_file}};
    }
  }
  return ChatTemplate(std::move(templates), special_tokens_from_config(config), std::move(origin));
}

ChatTemplate ChatTemplate::from_dir(const std::filesystem::path& dir) {
  Json config = Json::object();
  if (const auto text = read_text(dir / "tokenizer_config.json")) {
    try {
      config = Json::parse(*text);
    } catch (const std::exception& e) {
      throw runtime_error((dir / "tokenizer_config.json").string() + " is not valid JSON: " + e.what());
    }
  }
  ChatTemplate t = from_config(config, read_text(dir / "chat_template.jinja"), dir.string());
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "additional_chat_templates", ec)) {
    if (entry.path().extension() != ".jinja") continue;
    if (auto text = read_text(entry.path())) t.templates_[entry.path().stem().string()] = *text;
  }
  if (t.templates_.empty()) {
    throw runtime_error("no chat template in " + dir.string(),
                        "the model needs chat_template.jinja or a \"chat_template\" in tokenizer_config.json");
  }
  return t;
}

std::vector<std::string> ChatTemplate::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : templates_) out.push_back(name);
  return out;
}

std::string ChatTemplate::select(const ChatRequest& request) const {
  auto list = [&] {
    std::string all;
    for (const auto& name : names()) all += (all.empty() ? "" : ", ") + name;
    return all;
  };
  if (!request.template_name.empty()) {
    if (templates_.count(request.template_name) == 0) {
      throw usage_error("no chat template named '" + request.template_name + "' in " + origin_,
                        "available: " + list());
    }
    return request.template_name;
  }
  if (templates_.size() == 1) return templates_.begin()->first;
  if (!request.tools.is_null() && templates_.count("tool_use") != 0) return "tool_use";
  if (templates_.count("default") != 0) return "default";
  throw usage_error("the model has several chat templates and none is named \"default\": " + list(),
                    "choose one by name");
}

std::string ChatTemplate::render(const ChatRequest& request) const {
  const std::string name = select(request);
  if (request.continue_final_message && request.add_generation_prompt) {
    throw usage_error("continue_final_message and add_generation_prompt are mutually exclusive",
                      "turn the generation prompt off to continue the final message");
  }
  Json context = special_tokens_;
  for (const auto& [key, value] : request.kwargs.items()) context[key] = value;
  context["messages"] = request.messages;
  context["tools"] = request.tools;
  context["documents"] = request.documents;
  context["add_generation_prompt"] = request.add_generation_prompt;

  jinja::Environment env(jinja::Options::chat());
  env.set_global("raise_exception", jinja::raise_exception_function());
  env.set_global("strftime_now", jinja::strftime_now_function(request.clock));
  std::string prompt;
  try {
    prompt = env.parse(templates_.at(name), "chat_template").render(context);
  } catch (const jinja::TemplateError& e) {
    const std::string what = e.kind() == jinja::ErrorKind::raised ? "the chat template refused the conversation: "
                             : e.kind() == jinja::ErrorKind::unsupported
                                 ? "the chat template uses a feature llmctl's template engine lacks: "
                                 : "the chat template failed: ";
    throw runtime_error(what + e.what(), "template '" + name + "' of " + origin_);
  }
  if (request.continue_final_message) {
    // transformers: keep the prompt up to the end of the final message's text.
    const Json& last = request.messages.empty() ? Json() : request.messages.back();
    std::string content;
    if (last.contains("content") && last.at("content").is_string()) {
      content = last.at("content").get<std::string>();
    } else if (last.contains("content") && last.at("content").is_array()) {
      for (const Json& part : last.at("content")) {
        if (part.contains("text") && part.at("text").is_string()) content = part.at("text").get<std::string>();
      }
    }
    // transformers matches the content stripped of surrounding whitespace.
    const auto first = content.find_first_not_of(" \t\n\r\f\v");
    content = first == std::string::npos ? std::string() : content.substr(first, content.find_last_not_of(" \t\n\r\f\v") - first + 1);
    const auto at = prompt.rfind(content);
    if (content.empty() || at == std::string::npos) {
      throw runtime_error("continue_final_message: the final message's content is not in the rendered prompt");
    }
    prompt.resize(at + content.size());
  }
  return prompt;
}

}  // namespace llmctl
