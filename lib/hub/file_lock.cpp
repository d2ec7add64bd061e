#include "hub/file_lock.hpp"

#include "util/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace llmctl::hub {

FileLock::FileLock(const std::filesystem::path& path, const std::function<bool()>& cancelled,
                   const std::function<void()>& on_wait) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0)
    throw runtime_error("cannot open lock file " + path.string() + ": " + std::strerror(errno),
                        "check the permissions of the cache directory (HF_HUB_CACHE)");
  bool waited = false;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int err = errno;
      ::close(fd_);
      throw runtime_error("cannot lock " + path.string() + ": " + std::strerror(err));
    }
    if (cancelled && cancelled()) {
      ::close(fd_);
      throw Error(ExitCode::interrupted, "interrupted", "run the command again to resume");
    }
    if (!waited && on_wait) on_wait();
    waited = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The lock file itself stays: unlinking it would let a waiter lock a file
// that a newcomer no longer sees (huggingface_hub leaves them too).
FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace llmctl::hub
