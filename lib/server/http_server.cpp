#include "server/http_server.hpp"

#include "server/api_error.hpp"
#include "server/connection.hpp"
#include "server/encode.hpp"
#include "server/engine_loop.hpp"
#include "server/json_fields.hpp"
#include "server/protocol.hpp"
#include "util/error.hpp"

#include <httplib.h>
#include <llmctl/version.hpp>

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <thread>

namespace llmctl::server {

bool constant_time_equal(const std::string& given, const std::string& expected) {
  // Every byte of `expected` is compared whatever `given` holds; a length
  // mismatch is folded into the result instead of returning early.
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = given.empty() ? 0 : static_cast<unsigned char>(given[i % given.size()]);
    diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

Json models_json(const ServeConfig& config, const std::string& root, std::int64_t max_model_len, std::int64_t created) {
  Json data = Json::array();
  for (const std::string& name : config.served_model_names) {
    Json permission = Json::object();
    permission["id"] = "modelperm-" + name;
    permission["object"] = "model_permission";
    permission["created"] = created;
    permission["allow_create_engine"] = false;
    permission["allow_sampling"] = true;
    permission["allow_logprobs"] = true;
    permission["allow_search_indices"] = false;
    permission["allow_view"] = true;
    permission["allow_fine_tuning"] = false;
    permission["organization"] = "*";
    permission["group"] = nullptr;
    permission["is_blocking"] = false;
    Json model = Json::object();
    model["id"] = name;
    model["object"] = "model";
    model["created"] = created;
    model["owned_by"] = "llmctl";
    model["root"] = root;
    model["parent"] = nullptr;
    model["max_model_len"] = max_model_len;
    model["permission"] = Json::array({permission});
    data.push_back(std::move(model));
  }
  Json out = Json::object();
  out["object"] = "list";
  out["data"] = std::move(data);
  return out;
}

HttpServer::HttpServer(const ServeConfig& config, Metrics& metrics, ServerLog& log)
    : config_(config), metrics_(metrics), log_(log), server_(std::make_unique<httplib::Server>()) {
  const std::size_t threads = config_.http_threads > 0 ? config_.http_threads : 320;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(config_.max_body_bytes);
  server_->set_keep_alive_max_count(1000);
  server_->set_keep_alive_timeout(5);  // uvicorn's default
  server_->set_read_timeout(30);
  server_->set_write_timeout(30);
  server_->set_tcp_nodelay(true);      // SSE events are small and latency-bound
  server_->set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler's own error: already has its body and log line
    std::string message = status_phrase(res.status);
    if (res.status == 413) message = fmt::format("Request body too large (limit {} bytes)", config_.max_body_bytes);
    if (res.status == 404) message = fmt::format("Not Found: {} {}", req.method, req.path);
    res.set_content(dump(error_body(res.status, message)), "application/json");
    log_access(req, res.status, std::nullopt, HandlerInfo{});
  });
  server_->set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string message = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      message = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(dump(error_body(500, message)), "application/json");
    log_access(req, 500, std::nullopt, HandlerInfo{});
  });
  routes();
}

HttpServer::~HttpServer() = default;

void HttpServer::bind() {
  if (!server_->bind_to_port(config_.host, config_.port))
    throw runtime_error(fmt::format("cannot listen on {}:{}", config_.host, config_.port),
                        "is another server using the port? choose one with --port");
  // A burst of clients (a benchmark's 64 streams) must not wait on SYN retransmits.
  raise_listen_backlog(config_.port, 1024);
}

void HttpServer::listen() { server_->listen_after_bind(); }

void HttpServer::stop() {
  // stop() is a no-op until listen() has started: a load failure right
  // after start would otherwise leave the listener running forever.
  for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  server_->stop();
}

void HttpServer::check_api_key(const httplib::Request& req) const {
  if (config_.api_key.empty()) return;
  const std::string header = req.get_header_value("Authorization");
  const std::string bearer = "Bearer ";
  const std::string given = header.rfind(bearer, 0) == 0 ? header.substr(bearer.size()) : std::string();
  if (!constant_time_equal(given, config_.api_key)) throw unauthorized();
}

void HttpServer::log_access(const httplib::Request& req, int status, std::optional<double> seconds,
                            const HandlerInfo& info) {
  AccessRecord r;
  r.client = fmt::format("{}:{}", req.remote_addr, req.remote_port);
  r.method = req.method;
  r.path = req.path;
  r.version = req.version.empty() ? "HTTP/1.1" : req.version;
  r.status = status;
  r.seconds = seconds;
  r.prompt_tokens = info.prompt_tokens;
  r.completion_tokens = info.completion_tokens;
  log_.access(r);
}

void HttpServer::handle(const httplib::Request& req, httplib::Response& res, bool needs_model, const Handler& handler) {
  const double start = monotonic_seconds();
  HandlerInfo info;
  try {
    // vLLM's middleware guards the /v1 routes only (health, metrics stay open for probes).
    if (req.path.rfind("/v1/", 0) == 0) check_api_key(req);
    const ServerContext* context = context_.load();
    if (needs_model && context == nullptr) throw service_unavailable("The model is still loading");
    if (needs_model && draining_) throw service_unavailable("The server is shutting down");
    handler(*context, req, res, info);
    if (res.status == -1) res.status = 200;
  } catch (const ApiError& e) {
    info = HandlerInfo{};
    res.status = e.status();
    res.set_content(dump(error_body(e)), "application/json");
  } catch (const std::exception& e) {
    info = HandlerInfo{};
    res.status = 500;
    res.set_content(dump(error_body(internal_error(e.what()))), "application/json");
  }
  if (!info.streaming) log_access(req, res.status, monotonic_seconds() - start, info);
}

namespace {

void check_model(const ServeConfig& config, const Json& body) {
  if (auto model = string_field(body, "model"); model && !config.serves(*model)) throw model_not_found(*model);
}

void json_response(httplib::Response& res, const Json& body) { res.set_content(dump(body), "application/json"); }

}  // namespace

void HttpServer::routes() {
  httplib::Server& s = *server_;
  s.Get("/health", [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, true, [](const ServerContext&, const httplib::Request&, httplib::Response& r, HandlerInfo&) {
      r.status = 200;
    });
  });
  s.Get("/version", [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, false, [](const ServerContext&, const httplib::Request&, httplib::Response& r, HandlerInfo&) {
      Json v = Json::object();
      v["version"] = kVersion;
      json_response(r, v);
    });
  });
  s.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    const double start = monotonic_seconds();
    const ServerContext* context = context_.load();
    const LoadSnapshot load = context != nullptr ? context->engine.load() : LoadSnapshot{};
    res.set_content(metrics_.render(load), "text/plain; version=0.0.4; charset=utf-8");
    log_access(req, 200, monotonic_seconds() - start, HandlerInfo{});
  });
  s.Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, true, [this](const ServerContext& c, const httplib::Request&, httplib::Response& r, HandlerInfo&) {
      json_response(r, models_json(config_, c.session.served_name, c.session.scheduler.max_model_len,
                                   static_cast<std::int64_t>(std::time(nullptr))));
    });
  });
  s.Post("/tokenize", [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, true, [this](const ServerContext& c, const httplib::Request& q, httplib::Response& r, HandlerInfo&) {
      const Json body = parse_json_body(q.body);
      check_model(config_, body);
      std::vector<engine::TokenId> ids;
      try {
        if (body.contains("messages")) {
          ChatRequest chat;
          chat.messages = normalize_messages(body["messages"]);
          chat.add_generation_prompt = bool_field(body, "add_generation_prompt").value_or(true);
          chat.continue_final_message = bool_field(body, "continue_final_message").value_or(false);
          chat.kwargs = config_.default_chat_template_kwargs;
          if (auto kwargs = object_field(body, "chat_template_kwargs"))
            for (const auto& [k, v] : kwargs->items()) chat.kwargs[k] = v;
          ids = c.session.encode(c.session.require_chat_template().render(chat),
                                 bool_field(body, "add_special_tokens").value_or(false));
        } else {
          const auto prompt = string_field(body, "prompt");
          if (!prompt) throw bad_request("prompt: Field required", "prompt");
          ids = c.session.encode(*prompt, bool_field(body, "add_special_tokens").value_or(true));
        }
      } catch (const Error& e) {
        throw bad_request(e.what());
      }
      Json out = Json::object();
      out["count"] = ids.size();
      out["max_model_len"] = c.session.scheduler.max_model_len;
      out["tokens"] = ids;
      if (bool_field(body, "return_token_strs").value_or(false)) {
        Json strs = Json::array();
        for (engine::TokenId id : ids)
          strs.push_back(c.session.tokenizer->id_to_token(static_cast<std::uint32_t>(id)).value_or(""));
        out["token_strs"] = std::move(strs);
      } else {
        out["token_strs"] = nullptr;
      }
      json_response(r, out);
    });
  });
  s.Post("/detokenize", [this](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, true, [this](const ServerContext& c, const httplib::Request& q, httplib::Response& r, HandlerInfo&) {
      const Json body = parse_json_body(q.body);
      check_model(config_, body);
      const auto tokens = integer_list_field(body, "tokens");
      if (!tokens) throw bad_request("tokens: Field required", "tokens");
      if (!c.session.tokenizer) throw bad_request("the model has no tokenizer");
      std::vector<std::uint32_t> ids;
      const auto vocab = static_cast<std::int64_t>(c.session.tokenizer->vocab_size());
      for (std::int64_t id : *tokens) {
        if (id < 0 || id >= std::max<std::int64_t>(vocab, static_cast<std::int64_t>(c.session.model.config.vocab_size)))
          throw bad_request(fmt::format("Token id {} is out of vocabulary", id), "tokens");
        ids.push_back(static_cast<std::uint32_t>(id));
      }
      Json out = Json::object();
      out["prompt"] = c.session.tokenizer->decode(ids);
      json_response(r, out);
    });
  });
  generation_route("/v1/chat/completions", true);
  generation_route("/v1/completions", false);
}

}  // namespace llmctl::server
