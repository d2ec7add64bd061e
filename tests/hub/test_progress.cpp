#include "hub/progress.hpp"

#include <doctest/doctest.h>

#include <cstdio>

using namespace llmctl::hub;

TEST_CASE("ETA and rate formats") {
  CHECK(format_eta(7) == "0:07");
  CHECK(format_eta(754) == "12:34");
  CHECK(format_eta(3723) == "1:02:03");
  CHECK(format_eta(-1) == "--:--");
  CHECK(format_rate(512) == "0.5 KiB/s");
  CHECK(format_rate(110.3 * (1 << 20)) == "110.3 MiB/s");
  CHECK(format_rate(2.5 * (1 << 30)) == "2.50 GiB/s");
}

TEST_CASE("progress lines show bytes, rate, ETA and files") {
  ProgressSnapshot s;
  s.done = 512ull << 20;
  s.total = 1024ull << 20;
  s.received = 256ull << 20;
  s.elapsed_s = 2;
  s.files_done = 1;
  s.files_total = 3;
  CHECK(progress_plain_line(s) == "pull: 50% 512.00 MiB / 1.00 GiB, 128.0 MiB/s, ETA 0:04, 1/3 files");
  const std::string bar = progress_bar_line(s, 100);
  CHECK(bar.size() <= 100);
  CHECK(bar.starts_with("[=================>                 ]"));  // half of the 35 columns left
  CHECK(bar.find(" 50%") != std::string::npos);
  CHECK(progress_bar_line(s, 30).size() <= 30);  // narrow terminal: numbers only
  s.total = 0;
  s.done = 0;
  CHECK(progress_plain_line(s).starts_with("pull: 100%"));
}

TEST_CASE("the counters add up across threads and restarts") {
  Progress progress(nullptr, false, 100, 2);
  progress.add_resumed(40);
  progress.add_received(30);
  progress.add_received(-10);
  progress.file_done();
  const ProgressSnapshot s = progress.snapshot();
  CHECK(s.done == 60);
  CHECK(s.received == 20);
  CHECK(s.files_done == 1);
  progress.stop();
  progress.stop();  // idempotent
}

TEST_CASE("plain progress writes a final-free log line") {
  std::FILE* out = std::tmpfile();
  {
    Progress progress(out, false, 10, 1);
    progress.log("hello");
  }
  std::rewind(out);
  char line[64] = {0};
  CHECK(std::fgets(line, sizeof line, out) != nullptr);
  CHECK(std::string(line) == "hello\n");
  std::fclose(out);
}
