#include "hub/file_lock.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <chrono>
#include <thread>

using namespace llmctl::hub;

TEST_CASE("a held lock makes the next taker wait, and Ctrl-C ends the wait") {
  const llmctl::test::TempDir dir;
  const auto path = dir.path() / ".locks" / "models--a--b" / "etag.lock";
  std::optional<FileLock> first;
  first.emplace(path);
  CHECK(std::filesystem::exists(path));

  bool waited = false;
  int polls = 0;
  try {
    FileLock second(path, [&] { return ++polls > 3; }, [&] { waited = true; });
    FAIL("took a held lock");
  } catch (const llmctl::Error& e) {
    CHECK(e.code() == llmctl::ExitCode::interrupted);
  }
  CHECK(waited);

  std::atomic<bool> acquired{false};
  std::thread taker([&] {
    FileLock second(path);
    acquired = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK_FALSE(acquired.load());
  first.reset();  // release
  taker.join();
  CHECK(acquired.load());
}
