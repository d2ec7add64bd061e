#include "server/protocol.hpp"

#include "server/api_error.hpp"
#include "server/json_fields.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <limits>

namespace llmctl::server {

namespace {

// The fields both endpoints share.
void parse_common(const Json& body, GenerateRequest& r) {
  r.model = string_field(body, "model");
  r.stream = bool_field(body, "stream").value_or(false);
  if (auto options = object_field(body, "stream_options")) {
    if (!r.stream) throw bad_request("Stream options can only be defined when `stream=True`.", "stream_options");
    r.include_usage = bool_field(*options, "include_usage").value_or(false);
  }
  r.n = integer_field(body, "n").value_or(1);
  if (r.n < 1) throw bad_request(fmt::format("n must be at least 1, got {}.", r.n), "n");
  if (r.n > kMaxChoices) throw bad_request(fmt::format("n must be at most {}, got {}.", kMaxChoices, r.n), "n");

  SamplingFields& s = r.sampling;
  s.temperature = number_field(body, "temperature");
  s.top_p = number_field(body, "top_p");
  s.min_p = number_field(body, "min_p");
  s.presence_penalty = number_field(body, "presence_penalty");
  s.frequency_penalty = number_field(body, "frequency_penalty");
  s.repetition_penalty = number_field(body, "repetition_penalty");
  s.top_k = integer_field(body, "top_k");
  s.seed = integer_field(body, "seed");
  s.min_tokens = integer_field(body, "min_tokens");
  s.stop = string_or_list_field(body, "stop");
  s.stop_token_ids = integer_list_field(body, "stop_token_ids");
  s.ignore_eos = bool_field(body, "ignore_eos");
  s.skip_special_tokens = bool_field(body, "skip_special_tokens");
  s.include_stop_str_in_output = bool_field(body, "include_stop_str_in_output");
  (void)string_field(body, "user");  // type-checked, as vLLM does, then unused
}

void check_logprobs_range(std::int64_t k, const char* field) {
  if (k < 0) throw bad_request(fmt::format("`{}` must be a positive value.", field), field);
  if (k > kMaxLogprobs)
    throw bad_request(fmt::format("Requested sample logprobs of {}, which is greater than max allowed: {}", k,
                                  kMaxLogprobs),
                      field);
}

engine::TokenId token_id(std::int64_t id, const char* field) {
  if (id < 0 || id > std::numeric_limits<engine::TokenId>::max())
    throw bad_request(fmt::format("{}: token id {} is out of range", field, id), field);
  return static_cast<engine::TokenId>(id);
}

std::vector<engine::TokenId> token_list(const Json& list, const char* field) {
  std::vector<engine::TokenId> ids;
  ids.reserve(list.size());
  for (const Json& item : list) {
    if (!item.is_number_integer()) throw bad_request(fmt::format("{}: Input should be a valid integer", field), field);
    ids.push_back(token_id(item.is_number_unsigned() && item.get<std::uint64_t>() > (1ULL << 62)
                               ? -1
                               : item.get<std::int64_t>(),
                           field));
  }
  return ids;
}

}  // namespace

Json normalize_messages(const Json& messages) {
  if (!messages.is_array()) throw bad_request("messages: Input should be a valid list", "messages");
  if (messages.empty()) throw bad_request("messages: List should have at least 1 item", "messages");
  Json out = Json::array();
  for (const Json& message : messages) {
    if (!message.is_object()) throw bad_request("messages: each message should be a valid dictionary", "messages");
    auto role = message.find("role");
    if (role == message.end() || !role->is_string())
      throw bad_request("messages: each message needs a string `role`", "messages");
    Json m = message;
    auto content = message.find("content");
    if (content != message.end() && content->is_array()) {
      std::string text;
      bool first = true;
      for (const Json& part : *content) {
        if (part.is_string()) {  // vLLM accepts bare strings as text parts
          text += (first ? "" : "\n") + part.get<std::string>();
        } else if (part.is_object() && part.value("type", "") == "text" && part.contains("text") &&
                   part["text"].is_string()) {
          text += (first ? "" : "\n") + part["text"].get<std::string>();
        } else {
          const std::string type = part.is_object() && part.contains("type") && part["type"].is_string()
                                       ? part["type"].get<std::string>()
                                       : std::string("unknown");
          throw bad_request(fmt::format("messages: content part type '{}' is not supported (text only)", type),
                            "messages");
        }
        first = false;
      }
      m["content"] = text;
    } else if (content != message.end() && !content->is_string() && !content->is_null()) {
      throw bad_request("messages: `content` should be a string or a list of content parts", "messages");
    }
    out.push_back(std::move(m));
  }
  return out;
}

GenerateRequest parse_chat_request(const Json& body) {
  GenerateRequest r;
  r.endpoint = Endpoint::chat;
  auto messages = body.find("messages");
  if (messages == body.end() || messages->is_null()) throw bad_request("messages: Field required", "messages");
  r.messages = normalize_messages(*messages);
  parse_common(body, r);
  r.sampling.max_tokens = integer_field(body, "max_completion_tokens");
  if (!r.sampling.max_tokens) r.sampling.max_tokens = integer_field(body, "max_tokens");

  const bool logprobs = bool_field(body, "logprobs").value_or(false);
  const std::optional<std::int64_t> top = integer_field(body, "top_logprobs");
  if (top && !logprobs)
    throw bad_request("when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs");
  if (logprobs) {
    r.logprobs = top.value_or(0);
    check_logprobs_range(*r.logprobs, "top_logprobs");
  }

  if (auto tools = body.find("tools"); tools != body.end() && !tools->is_null()) {
    if (!tools->is_array()) throw bad_request("tools: Input should be a valid list", "tools");
    r.tools = *tools;
  }
  r.add_generation_prompt = bool_field(body, "add_generation_prompt").value_or(true);
  r.continue_final_message = bool_field(body, "continue_final_message").value_or(false);
  if (r.add_generation_prompt && r.continue_final_message)
    throw bad_request("Cannot set both `continue_final_message` and `add_generation_prompt` to True.");
  r.chat_template_kwargs = object_field(body, "chat_template_kwargs").value_or(Json::object());
  r.add_special_tokens = bool_field(body, "add_special_tokens").value_or(false);
  return r;
}

GenerateRequest parse_completion_request(const Json& body) {
  GenerateRequest r;
  r.endpoint = Endpoint::completion;
  parse_common(body, r);
  r.sampling.max_tokens = integer_field(body, "max_tokens");
  if (auto k = integer_field(body, "logprobs")) {
    check_logprobs_range(*k, "logprobs");
    r.logprobs = *k;
  }
  r.echo = bool_field(body, "echo").value_or(false);
  r.add_special_tokens = bool_field(body, "add_special_tokens").value_or(true);

  auto prompt = body.find("prompt");
  if (prompt == body.end() || prompt->is_null())
    throw bad_request("Either prompt or prompt_embeds must be provided and non-empty.", "prompt");
  const char* kinds = "prompt: Input should be a string, a list of strings, a list of token ids or a list of lists of token ids";
  if (prompt->is_string()) {
    r.prompts.push_back(PromptInput{prompt->get<std::string>(), {}});
  } else if (prompt->is_array()) {
    if (prompt->empty()) throw bad_request("Either prompt or prompt_embeds must be provided and non-empty.", "prompt");
    const Json& first = prompt->front();
    if (first.is_number()) {
      r.prompts.push_back(PromptInput{std::nullopt, token_list(*prompt, "prompt")});
    } else {
      for (const Json& item : *prompt) {
        if (item.is_string()) r.prompts.push_back(PromptInput{item.get<std::string>(), {}});
        else if (item.is_array()) r.prompts.push_back(PromptInput{std::nullopt, token_list(item, "prompt")});
        else throw bad_request(kinds, "prompt");
      }
    }
  } else {
    throw bad_request(kinds, "prompt");
  }
  for (const PromptInput& p : r.prompts)
    if (!p.text && p.ids.empty()) throw bad_request("Prompt cannot be empty", "prompt");
  if (static_cast<std::int64_t>(r.prompts.size()) * r.n > kMaxChoices)
    throw bad_request(fmt::format("a request may ask for at most {} choices (prompts x n)", kMaxChoices), "prompt");
  return r;
}

std::int64_t resolve_max_tokens(const GenerateRequest& request, std::int64_t prompt_tokens,
                                std::int64_t max_model_len, std::optional<std::int64_t> default_max_tokens) {
  const char* where = request.endpoint == Endpoint::chat ? "messages" : "prompt";
  if (prompt_tokens >= max_model_len && !request.sampling.max_tokens)
    throw bad_request(fmt::format("This model's maximum context length is {} tokens. However, your request has {} "
                                  "input tokens. Please reduce the length of the input {}.",
                                  max_model_len, prompt_tokens, where));
  if (request.sampling.max_tokens) {
    const std::int64_t m = *request.sampling.max_tokens;
    if (m < 1) throw bad_request(fmt::format("max_tokens must be at least 1, got {}.", m), "max_tokens");
    // Overflow-safe form of prompt + m > max_model_len.
    if (m > max_model_len - prompt_tokens)
      throw bad_request(fmt::format("This model's maximum context length is {} tokens. However, you requested {} "
                                    "tokens ({} in the messages, {} in the completion). Please reduce the length "
                                    "of the messages or completion.",
                                    max_model_len,
                                    m > std::numeric_limits<std::int64_t>::max() - prompt_tokens
                                        ? std::numeric_limits<std::int64_t>::max()
                                        : prompt_tokens + m,
                                    prompt_tokens, m),
                        "max_tokens");
    return m;
  }
  std::int64_t budget = max_model_len - prompt_tokens;
  if (default_max_tokens && *default_max_tokens > 0) budget = std::min(budget, *default_max_tokens);
  return budget;
}

engine::SamplingParams apply_sampling_fields(const GenerateRequest& request, engine::SamplingParams p,
                                             std::int64_t max_tokens) {
  const SamplingFields& s = request.sampling;
  if (s.temperature) p.temperature = *s.temperature;
  if (s.top_p) p.top_p = *s.top_p;
  if (s.min_p) p.min_p = *s.min_p;
  if (s.top_k) p.top_k = *s.top_k;
  if (s.presence_penalty) p.presence_penalty = *s.presence_penalty;
  if (s.frequency_penalty) p.frequency_penalty = *s.frequency_penalty;
  if (s.repetition_penalty) p.repetition_penalty = *s.repetition_penalty;
  if (s.seed) p.seed = *s.seed;
  if (s.min_tokens) p.min_tokens = *s.min_tokens;
  if (s.stop) p.stop = *s.stop;
  if (s.stop_token_ids) {
    p.stop_token_ids.clear();
    for (std::int64_t id : *s.stop_token_ids) p.stop_token_ids.push_back(token_id(id, "stop_token_ids"));
  }
  if (s.ignore_eos) p.ignore_eos = *s.ignore_eos;
  if (s.skip_special_tokens) p.skip_special_tokens = *s.skip_special_tokens;
  if (s.include_stop_str_in_output) p.include_stop_str_in_output = *s.include_stop_str_in_output;
  p.n = request.n;
  p.logprobs = request.logprobs;
  p.max_tokens = max_tokens;
  try {
    p.verify_and_normalize();
  } catch (const Error& e) {
    throw bad_request(e.what());
  }
  return p;
}

}  // namespace llmctl::server
