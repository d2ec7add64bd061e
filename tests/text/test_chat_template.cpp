// Chat prompts byte-identical to transformers' apply_chat_template for real
// model templates (tests/data/chat_template/cases.jsonl, written by
// tools/gen-chat-template-golden.py with jinja2 in transformers' environment).
#include "text/chat_template.hpp"
#include "test_paths.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <fstream>

namespace {

using llmctl::ChatRequest;
using llmctl::ChatTemplate;
using llmctl::Json;

// 2025-03-14 09:26:53 local time, the date the golden prompts were rendered with.
std::time_t fixed_now() {
  std::tm tm{};
  tm.tm_year = 2025 - 1900;
  tm.tm_mon = 2;
  tm.tm_mday = 14;
  tm.tm_hour = 9;
  tm.tm_min = 26;
  tm.tm_sec = 53;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

std::filesystem::path model_dir(const std::string& ref) {
  const auto colon = ref.find(':');
  const std::string kind = ref.substr(0, colon), rel = ref.substr(colon + 1);
  return (kind == "shared" ? llmctl::test::shared_data() : llmctl::test::test_data()) / rel;
}

ChatRequest request_of(const Json& r) {
  ChatRequest req;
  req.messages = r.at("messages");
  req.tools = r.value("tools", Json());
  req.documents = r.value("documents", Json());
  req.add_generation_prompt = r.value("add_generation_prompt", true);
  req.continue_final_message = r.value("continue_final_message", false);
  req.kwargs = r.value("kwargs", Json::object());
  req.template_name = r.value("template_name", std::string());
  req.clock = fixed_now;
  return req;
}

}  // namespace

TEST_CASE("chat template: prompts equal transformers' apply_chat_template for real templates") {
  std::ifstream in(llmctl::test::test_data() / "chat_template" / "cases.jsonl");
  REQUIRE(in);
  std::size_t total = 0, passed = 0;
  for (std::string line; std::getline(in, line);) {
    const Json c = Json::parse(line);
    const std::string name = c.at("name").get<std::string>();
    ++total;
    std::string got, error;
    try {
      got = ChatTemplate::from_dir(model_dir(c.at("model").get<std::string>())).render(request_of(c.at("request")));
    } catch (const llmctl::Error& e) {
      error = e.what();
    }
    bool ok = false;
    if (c.contains("prompt")) {
      ok = error.empty() && got == c.at("prompt").get<std::string>();
      if (!ok) MESSAGE(name << ": " << (error.empty() ? "prompt differs:\n" + got : "error: " + error));
    } else {
      // The same refusal: the Python message (after "Class: ") appears in ours.
      const std::string want = c.at("error").get<std::string>();
      const std::string message = want.substr(want.find(": ") + 2);
      ok = !error.empty() && error.find(message) != std::string::npos;
      if (!ok) MESSAGE(name << ": want error " << want << ", got " << (error.empty() ? "a prompt" : error));
    }
    passed += ok;
  }
  MESSAGE(passed << "/" << total << " chat template cases identical");
  CHECK(total >= 50);
  CHECK(passed == total);
}

TEST_CASE("chat template: transformers' template selection and special tokens") {
  const ChatTemplate t = ChatTemplate::from_dir(llmctl::test::test_data() / "chat_template" / "models" / "multi-template");
  CHECK(t.names() == std::vector<std::string>{"default", "rag", "tool_use"});
  CHECK(t.special_tokens().at("bos_token") == "<s>");  // from an AddedToken object
  CHECK(t.special_tokens().at("eos_token") == "</s>");
  CHECK_FALSE(t.special_tokens().contains("unk_token"));  // null is not passed
  ChatRequest req;
  req.messages = Json::array({{{"role", "user"}, {"content", "hi"}}});
  CHECK(t.select(req) == "default");
  req.tools = Json::array({Json::object()});
  CHECK(t.select(req) == "tool_use");
  req.template_name = "nope";
  CHECK_THROWS_AS(t.select(req), llmctl::Error);
}

TEST_CASE("chat template: chat_template.jinja wins over tokenizer_config.json, errors name the cause") {
  const Json config = {{"chat_template", "from config"}, {"eos_token", "<e>"}};
  ChatRequest req;
  CHECK(ChatTemplate::from_config(config, std::nullopt, "x").render(req) == "from config");
  CHECK(ChatTemplate::from_config(config, std::string("from file {{ eos_token }}"), "x").render(req) == "from file <e>");
  // A feature the engine lacks fails naming it, never with a wrong prompt.
  const ChatTemplate bad({{"default", "{% macro m() %}{% endmacro %}{{ m.__call__ }}{{ 1 | no_such_filter }}"}},
                         Json::object(), "bad");
  CHECK_THROWS_AS(bad.render(req), llmctl::Error);
  const ChatTemplate raising({{"default", "{{ raise_exception('no system role') }}"}}, Json::object(), "r");
  CHECK_THROWS_WITH(raising.render(req), doctest::Contains("no system role"));
  CHECK_THROWS_AS(ChatTemplate::from_dir(llmctl::test::test_data() / "tokenizer"), llmctl::Error);
}
