#include "server/generation.hpp"

#include "server/api_error.hpp"
#include "util/error.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <random>

namespace llmctl::server {

namespace {

// How often a waiting handler looks at its connection: a client that left
// is noticed within this long even when no token arrives (queued request).
constexpr std::chrono::milliseconds kPollInterval{50};

}  // namespace

std::string make_request_id(const char* prefix) {
  std::random_device rd;
  return fmt::format("{}{:08x}{:08x}{:08x}{:08x}", prefix, rd(), rd(), rd(), rd());
}

bool ServeConfig::serves(const std::string& name) const {
  for (const std::string& n : served_model_names)
    if (n == name) return true;
  return false;
}

Generation::Generation(const ServerContext& ctx, GenerateRequest request)
    : ctx_(ctx), request_(std::move(request)) {
  id_ = make_request_id(request_.endpoint == Endpoint::chat ? "chatcmpl-" : "cmpl-");
  created_ = static_cast<std::int64_t>(std::time(nullptr));
  arrival_ = monotonic_seconds();
}

Generation::~Generation() { abort_running(); }

void Generation::abort_running() {
  if (!submitted_) return;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < choices_.size(); ++i)
    if (!choices_[i].done) ids.push_back(sequence_ids_[i]);
  if (!ids.empty()) ctx_.engine.abort(std::move(ids));
  for (Choice& c : choices_) c.done = true;
}

void Generation::prepare_prompts() {
  const runtime::ModelSession& s = ctx_.session;
  try {
    if (request_.endpoint == Endpoint::chat) {
      ChatRequest chat;
      chat.messages = request_.messages;
      chat.tools = request_.tools;
      chat.add_generation_prompt = request_.add_generation_prompt;
      chat.continue_final_message = request_.continue_final_message;
      chat.kwargs = ctx_.config.default_chat_template_kwargs;
      for (const auto& [key, value] : request_.chat_template_kwargs.items()) chat.kwargs[key] = value;
      if (auto it = chat.kwargs.find("enable_thinking"); it != chat.kwargs.end() && it->is_boolean())
        thinking_enabled_ = it->get<bool>();
      const std::string prompt = s.require_chat_template().render(chat);
      prompt_texts_.push_back(prompt);
      prompt_ids_.push_back(s.encode(prompt, request_.add_special_tokens));
      return;
    }
    const std::int64_t vocab = static_cast<std::int64_t>(s.model.config.vocab_size);
    for (const PromptInput& p : request_.prompts) {
      if (p.text) {
        prompt_texts_.push_back(*p.text);
        prompt_ids_.push_back(s.encode(*p.text, request_.add_special_tokens));
      } else {
        for (engine::TokenId id : p.ids)
          if (id >= vocab) throw bad_request(fmt::format("Token id {} is out of vocabulary", id), "prompt");
        prompt_texts_.push_back(s.tokenizer ? s.tokenizer->decode(std::vector<std::uint32_t>(p.ids.begin(), p.ids.end()))
                                            : std::string());
        prompt_ids_.push_back(p.ids);
      }
    }
  } catch (const Error& e) {
    // Template errors, no template, no tokenizer: the request cannot be served as asked.
    throw bad_request(e.what());
  }
}

void Generation::submit() {
  prepare_prompts();
  const runtime::ModelSession& s = ctx_.session;
  const std::int64_t max_model_len = s.scheduler.max_model_len;
  std::vector<SequenceSubmission> sequences;
  for (std::size_t p = 0; p < prompt_ids_.size(); ++p) {
    const std::int64_t prompt_len = static_cast<std::int64_t>(prompt_ids_[p].size());
    if (prompt_len == 0) throw bad_request("The prompt is empty after tokenization", "prompt");
    const std::int64_t max_tokens = resolve_max_tokens(request_, prompt_len, max_model_len, s.generation.max_new_tokens);
    engine::SamplingParams params = apply_sampling_fields(request_, s.sampling_defaults(), max_tokens);
    try {
      s.finish_params(params);
    } catch (const Error& e) {
      throw bad_request(e.what());
    }
    for (std::int64_t i = 0; i < request_.n; ++i) {
      SequenceSubmission seq;
      seq.id = fmt::format("{}-{}-{}", id_, p, i);
      seq.index = choices_.size();
      seq.prompt = prompt_ids_[p];
      seq.params = params.for_parallel_sample(i);
      Choice choice;
      choice.prompt = p;
      if (request_.stream && request_.endpoint == Endpoint::chat && !ctx_.config.reasoning_parser.empty())
        choice.reasoning.emplace(thinking_enabled_);
      choices_.push_back(std::move(choice));
      sequence_ids_.push_back(seq.id);
      sequences.push_back(std::move(seq));
    }
  }
  channel_ = std::make_shared<RequestChannel>();
  ctx_.engine.submit(std::move(sequences), channel_, arrival_);
  submitted_ = true;
}

Usage Generation::usage() const {
  Usage u;
  for (const auto& ids : prompt_ids_) u.prompt_tokens += static_cast<std::int64_t>(ids.size());
  for (const Choice& c : choices_) u.completion_tokens += static_cast<std::int64_t>(c.tokens.size());
  return u;
}

bool Generation::all_done() const {
  for (const Choice& c : choices_)
    if (!c.done) return false;
  return true;
}

bool Generation::wait(std::vector<TokenEvent>& events, const Disconnected& disconnected) {
  events.clear();
  channel_->wait(events, kPollInterval);
  if (disconnected && disconnected()) {
    abort_running();
    return false;
  }
  return true;
}

void Generation::apply(const TokenEvent& e) {
  Choice& c = choices_.at(e.index);
  if (e.has_token) {
    c.tokens.push_back(e.token);
    if (e.logprobs) c.logprobs.push_back(*e.logprobs);
  }
  c.text += e.text;
  if (e.finish != engine::FinishReason::none) {
    c.finish = e.finish;
    c.stop_reason = e.stop_reason;
    c.error = e.error;
    c.done = true;
  }
}

std::string Generation::token_text(engine::TokenId id) const {
  if (!ctx_.session.tokenizer) return fmt::format("token_id:{}", id);
  const std::uint32_t one[1] = {static_cast<std::uint32_t>(id)};
  return ctx_.session.tokenizer->decode(one, false);
}

std::optional<Json> Generation::collect(const Disconnected& disconnected) {
  std::vector<TokenEvent> events;
  while (!all_done()) {
    if (!wait(events, disconnected)) return std::nullopt;
    for (const TokenEvent& e : events) apply(e);
  }
  for (const Choice& c : choices_)
    if (!c.error.empty()) throw ApiError(c.tokens.empty() ? 400 : 500, c.error, c.tokens.empty() ? "BadRequestError" : "InternalServerError");
  return response_json();
}

Json Generation::response_json() const {
  const TokenText text = [this](engine::TokenId id) { return token_text(id); };
  const bool chat = request_.endpoint == Endpoint::chat;
  Json out = envelope(id_, chat ? "chat.completion" : "text_completion", created_, ctx_.config.model_name());
  Json choices = Json::array();
  for (std::size_t i = 0; i < choices_.size(); ++i) {
    const Choice& c = choices_[i];
    Json choice = Json::object();
    choice["index"] = i;
    if (chat) {
      Json message = Json::object();
      message["role"] = "assistant";
      if (!ctx_.config.reasoning_parser.empty()) {
        const ReasoningSplit split = split_reasoning(c.text, thinking_enabled_);
        message["content"] = split.content ? Json(*split.content) : Json(nullptr);
        message["reasoning_content"] = split.reasoning ? Json(*split.reasoning) : Json(nullptr);
      } else {
        message["content"] = c.text;
        message["reasoning_content"] = nullptr;
      }
      message["tool_calls"] = Json::array();
      choice["message"] = std::move(message);
      choice["logprobs"] = request_.logprobs ? chat_logprobs_json(c.tokens, c.logprobs, text) : Json(nullptr);
    } else {
      const std::string prefix = request_.echo ? prompt_texts_[c.prompt] : std::string();
      choice["text"] = prefix + c.text;
      choice["logprobs"] = request_.logprobs
                               ? completion_logprobs_json(c.tokens, c.logprobs, text, static_cast<std::int64_t>(prefix.size()))
                               : Json(nullptr);
    }
    choice["finish_reason"] = finish_reason_json(c.finish);
    choice["stop_reason"] = c.stop_reason;
    choices.push_back(std::move(choice));
  }
  out["choices"] = std::move(choices);
  out["usage"] = usage_json(usage());
  if (chat) out["prompt_logprobs"] = nullptr;
  return out;
}

std::vector<std::string> Generation::chunks_for(const TokenEvent& e, Choice& c) {
  const bool chat = request_.endpoint == Endpoint::chat;
  const bool finished = e.finish != engine::FinishReason::none;
  std::vector<std::string> out;
  if (!e.error.empty()) {
    // The stream has started (200 sent): the error travels as an event.
    out.push_back(sse_event(error_body(c.tokens.empty() ? 400 : 500, e.error)));
    return out;
  }
  const TokenText text = [this](engine::TokenId id) { return token_text(id); };
  Json logprobs = nullptr;
  if (request_.logprobs && e.has_token && e.logprobs) {
    const std::vector<engine::TokenId> token{e.token};
    const std::vector<engine::TokenLogprobs> lp{*e.logprobs};
    logprobs = chat ? chat_logprobs_json(token, lp, text)
                    : completion_logprobs_json(token, lp, text,
                                               static_cast<std::int64_t>(c.text.size() - e.text.size()));
  }
  Json choice = Json::object();
  choice["index"] = e.index;
  if (chat) {
    ChatDelta delta;
    if (c.reasoning) {
      ReasoningDelta d = c.reasoning->feed(e.text);
      if (finished) {
        ReasoningDelta rest = c.reasoning->finish();
        d.reasoning += rest.reasoning;
        d.content += rest.content;
      }
      if (!d.reasoning.empty()) delta.reasoning_content = d.reasoning;
      if (!d.content.empty()) delta.content = d.content;
    } else if (!e.text.empty()) {
      delta.content = e.text;
    }
    if (!delta.content && !delta.reasoning_content && !finished && logprobs.is_null()) return out;
    choice["delta"] = chat_delta_json(delta);
  } else {
    if (e.text.empty() && !finished && logprobs.is_null()) return out;
    choice["text"] = e.text;
  }
  choice["logprobs"] = std::move(logprobs);
  choice["finish_reason"] = finish_reason_json(e.finish);
  if (finished) choice["stop_reason"] = e.stop_reason;
  Json chunk = envelope(id_, chat ? "chat.completion.chunk" : "text_completion", created_, ctx_.config.model_name());
  chunk["choices"] = Json::array({std::move(choice)});
  out.push_back(sse_event(chunk));
  return out;
}

void Generation::stream(const std::function<bool(std::string_view)>& write, const Disconnected& disconnected) {
  const bool chat = request_.endpoint == Endpoint::chat;
  const std::string& model = ctx_.config.model_name();
  // First events: the assistant role (chat) or the echoed prompt (completions), per choice.
  for (std::size_t i = 0; i < choices_.size(); ++i) {
    Json choice = Json::object();
    choice["index"] = i;
    if (chat) {
      ChatDelta delta;
      delta.role = "assistant";
      delta.content = "";
      choice["delta"] = chat_delta_json(delta);
    } else if (request_.echo) {
      choice["text"] = prompt_texts_[choices_[i].prompt];
    } else {
      continue;
    }
    choice["logprobs"] = nullptr;
    choice["finish_reason"] = nullptr;
    Json chunk = envelope(id_, chat ? "chat.completion.chunk" : "text_completion", created_, model);
    chunk["choices"] = Json::array({std::move(choice)});
    if (!write(sse_event(chunk))) return abort_running();
  }
  std::vector<TokenEvent> events;
  while (!all_done()) {
    if (!wait(events, disconnected)) return;
    for (const TokenEvent& e : events) {
      apply(e);
      for (const std::string& chunk : chunks_for(e, choices_.at(e.index)))
        if (!write(chunk)) return abort_running();
    }
  }
  if (request_.include_usage) {
    Json chunk = envelope(id_, chat ? "chat.completion.chunk" : "text_completion", created_, model);
    chunk["choices"] = Json::array();
    chunk["usage"] = usage_json(usage());
    if (!write(sse_event(chunk))) return;
  }
  write(sse_done());
}

}  // namespace llmctl::server
