// Helpers of the render tests: catching llmctl::Error, reading files, and
// turning a snapshot's command line (tests/data/render/snapshots.txt) into a
// RenderRequest the way `llmctl render` does.
#pragma once

#include "render/render.hpp"
#include "test_paths.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace llmctl::test {

struct CaughtError {
  bool thrown = false;
  ExitCode code = ExitCode::ok;
  std::string message;
  std::string hint;
};

inline CaughtError catch_error(const std::function<void()>& fn) {
  CaughtError c;
  try {
    fn();
  } catch (const Error& e) {
    c.thrown = true;
    c.code = e.code();
    c.message = e.what();
    c.hint = e.hint();
  }
  return c;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// The flags of `llmctl render`, as cmd/render.cpp maps them (paths from the repository root).
inline render::RenderRequest request_from_args(const std::vector<std::string>& args) {
  render::RenderRequest r;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto next = [&]() -> std::string {
      REQUIRE_MESSAGE(i + 1 < args.size(), "no value after " << a);
      return args[++i];
    };
    if (a == "--gpu") r.gpu = next();
    else if (a == "--instance") r.instance = next();
    else if (a == "--engine") r.engine = next();
    else if (a == "--context") r.context = std::stoll(next());
    else if (a == "--concurrency") r.concurrency = std::stoll(next());
    else if (a == "--tp") r.tp = std::stoll(next());
    else if (a == "--pp") r.pp = std::stoll(next());
    else if (a == "--replicas") r.replicas = std::stoll(next());
    else if (a == "--namespace") r.ns = next();
    else if (a == "--name") r.name = next();
    else if (a == "--image") r.image = next();
    else if (a == "-f" || a == "--values") r.values_files.push_back(source_dir() / next());
    else if (a == "--set") r.sets.push_back(next());
    else if (a == "--template-dir") r.template_dir = source_dir() / next();
    else if (a == "--with") {
      std::stringstream list(next());
      for (std::string w; std::getline(list, w, ',');) r.with.push_back(w);
    } else {
      REQUIRE_MESSAGE(!a.starts_with("-"), "the test parser does not know " << a);
      r.model = a;
    }
  }
  return r;
}

inline render::RenderResult render_args(const std::string& args) {
  return render::render_deployment(request_from_args(split_words(args)), [](const std::string&) {});
}

}  // namespace llmctl::test
