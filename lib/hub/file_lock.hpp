// An exclusive flock(2) on a lock file: the same kind of lock huggingface_hub's
// filelock takes on .locks/.../{etag}.lock, so llmctl processes, and
// huggingface_hub beside them, never write one blob at the same time.
#pragma once

#include <filesystem>
#include <functional>

namespace llmctl::hub {

class FileLock {
 public:
  // Creates the lock file (and its directory) if needed and waits for the
  // lock, polling `cancelled` so Ctrl-C still works while another process
  // holds it; `on_wait` is called once if the lock is busy. Throws Error
  // (interrupted) when cancelled, or when the lock file cannot be opened.
  explicit FileLock(const std::filesystem::path& path, const std::function<bool()>& cancelled = {},
                    const std::function<void()>& on_wait = {});
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace llmctl::hub
