// The template engine against Python jinja2 3.1: every case of
// tests/data/jinja/cases/ (rendered by tools/gen-jinja-golden.py) must give
// the same bytes, or fail with the same exception class and message.
#include "test_paths.hpp"
#include "text/jinja/environment.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using llmctl::Json;
namespace jinja = llmctl::jinja;

namespace {

fs::path jinja_data() { return llmctl::test::test_data() / "jinja"; }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// The date the generator gives strftime_now: 2025-03-14 09:26:53 local time.
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

jinja::Environment environment(const Json& opts) {
  jinja::Options o;
  if (opts.value("chat", false)) {
    o = jinja::Options::chat();
  } else {
    o.trim_blocks = opts.value("trim_blocks", false);
    o.lstrip_blocks = opts.value("lstrip_blocks", false);
    o.keep_trailing_newline = opts.value("keep_trailing_newline", false);
    o.strict_undefined = opts.value("strict", false);
  }
  jinja::Environment env(o);
  env.set_global("raise_exception", jinja::raise_exception_function());
  env.set_global("strftime_now", jinja::strftime_now_function(fixed_now));
  return env;
}

struct Case {
  std::string name;
  fs::path context;
};

std::vector<Case> cases(bool chat_templates) {
  std::vector<Case> out;
  const char* only = std::getenv("LLMCTL_JINJA_CASE");  // debugging: run one case
  for (const auto& entry : fs::directory_iterator(jinja_data() / "cases")) {
    std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".json" || file.ends_with(".opts.json")) continue;
    std::string name = file.substr(0, file.size() - 5);
    if (name.starts_with("hf_") != chat_templates) continue;
    if (only && name != only) continue;
    out.push_back({name, entry.path()});
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

// Returns "" when the case matches jinja2, else what differs.
std::string run(const Case& c) {
  fs::path dir = c.context.parent_path();
  fs::path opts_path = dir / (c.name + ".opts.json");
  Json opts = fs::exists(opts_path) ? Json::parse(read_file(opts_path)) : Json::object();
  fs::path template_path = opts.contains("template") ? jinja_data() / opts["template"].get<std::string>()
                                                     : dir / (c.name + ".j2");
  Json context = Json::parse(read_file(c.context));
  fs::path out_path = dir / (c.name + ".out");
  fs::path err_path = dir / (c.name + ".err");

  std::string output;
  std::optional<jinja::TemplateError> error;
  try {
    jinja::Environment env = environment(opts);
    output = env.parse(read_file(template_path), template_path.filename().string()).render(context);
  } catch (const jinja::TemplateError& e) {
    error = e;
  }

  if (fs::exists(out_path)) {
    if (error) return std::string("failed: ") + error->what();
    std::string want = read_file(out_path);
    if (output != want) return "output differs\n--- want\n" + want + "\n--- got\n" + output;
    return "";
  }
  Json want = Json::parse(read_file(err_path));
  if (!error) return "rendered, but jinja2 raises " + want["type"].get<std::string>() + ": " + want["message"].get<std::string>();
  std::string type(jinja::python_exception_name(error->kind()));
  if (type != want["type"]) return "raised " + type + " (" + error->what() + "), jinja2 raises " + want["type"].get<std::string>();
  if (error->message() != want["message"]) {
    return "message differs: got '" + error->message() + "', want '" + want["message"].get<std::string>() + "'";
  }
  if (want["line"].is_number() && error->line() != want["line"].get<int>()) {
    return "line " + std::to_string(error->line()) + ", want " + std::to_string(want["line"].get<int>());
  }
  return "";
}

std::size_t run_all(const std::vector<Case>& all) {
  std::size_t passed = 0;
  for (const Case& c : all) {
    std::string problem = run(c);
    if (problem.empty()) {
      ++passed;
    } else {
      FAIL_CHECK(c.name << ": " << problem);
    }
  }
  MESSAGE(passed << "/" << all.size() << " cases identical to jinja2");
  return passed;
}

}  // namespace

TEST_CASE("jinja golden: feature corpus renders as jinja2 does") {
  std::vector<Case> all = cases(false);
  if (!std::getenv("LLMCTL_JINJA_CASE")) CHECK(all.size() >= 100);
  CHECK(run_all(all) == all.size());
}

TEST_CASE("jinja golden: real Hugging Face chat templates render as transformers does") {
  std::vector<Case> all = cases(true);
  if (!std::getenv("LLMCTL_JINJA_CASE")) CHECK(all.size() >= 20);
  CHECK(run_all(all) == all.size());
}
