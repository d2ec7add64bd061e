// POST /v1/chat/completions and /v1/completions: parse, check the model,
// submit, then answer whole or as an SSE stream (httplib's chunked content
// provider). The provider writes the whole stream in one call, so a server
// stop() (SIGTERM) cannot cut a running stream short: the connection thread
// stays until [DONE].
#include "server/api_error.hpp"
#include "server/connection.hpp"
#include "server/encode.hpp"
#include "server/engine_loop.hpp"
#include "server/generation.hpp"
#include "server/http_server.hpp"
#include "server/json_fields.hpp"

#include <httplib.h>

namespace llmctl::server {

void HttpServer::generation_route(const char* path, bool chat) {
  server_->Post(path, [this, chat](const httplib::Request& req, httplib::Response& res) {
    handle(req, res, true, [this, chat](const ServerContext& c, const httplib::Request& q, httplib::Response& r,
                                        HandlerInfo& info) {
      const Json body = parse_json_body(q.body);
      GenerateRequest request = chat ? parse_chat_request(body) : parse_completion_request(body);
      if (request.model && !config_.serves(*request.model)) throw model_not_found(*request.model);
      auto generation = std::make_shared<Generation>(c, std::move(request));
      generation->submit();
      auto probe = std::make_shared<ConnectionProbe>(q.local_addr, q.local_port, q.remote_addr, q.remote_port);
      const Generation::Disconnected disconnected = [probe] { return probe->closed(); };

      if (!generation->request().stream) {
        std::optional<Json> response = generation->collect(disconnected);
        const Usage usage = generation->usage();
        info.prompt_tokens = usage.prompt_tokens;
        info.completion_tokens = usage.completion_tokens;
        if (!response) {
          // The client is gone; nobody reads this, but the log says why it ended.
          r.status = 499;
          r.set_content(dump(error_body(499, "client closed the connection")), "application/json");
          return;
        }
        r.set_content(dump(*response), "application/json");
        return;
      }

      info.streaming = true;
      const double start = monotonic_seconds();
      // Copies for the log line written when the stream ends (the request
      // object is gone by then).
      auto record = std::make_shared<AccessRecord>();
      record->client = q.remote_addr + ":" + std::to_string(q.remote_port);
      record->method = q.method;
      record->path = q.path;
      record->version = q.version.empty() ? "HTTP/1.1" : q.version;
      record->status = 200;
      r.status = 200;
      r.set_header("Cache-Control", "no-cache");
      r.set_chunked_content_provider(
          // Exactly this type: httplib gzips any other text/* stream for clients that
          // accept it, and its compressor would hold the events back until the end.
          "text/event-stream",
          [generation, disconnected](std::size_t, httplib::DataSink& sink) {
            generation->stream([&sink](std::string_view text) { return sink.write(text.data(), text.size()); },
                               disconnected);
            sink.done();
            return true;
          },
          [this, generation, record, start](bool) mutable {
            const Usage usage = generation->usage();
            record->seconds = monotonic_seconds() - start;
            record->prompt_tokens = usage.prompt_tokens;
            record->completion_tokens = usage.completion_tokens;
            log_.access(*record);
            generation.reset();  // aborts whatever still runs (write failed, client gone)
          });
    });
  });
}

}  // namespace llmctl::server
