#pragma once
// Runs a function in a child process as user 65534 (nobody) when the tests run as
// root, who may read any file whatever its mode; returns what the function returned.
// For testing "no read permission" in any test, root or not.
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <functional>
#include <string>

namespace deepfin::testing {

inline std::string run_unprivileged(const std::function<std::string()>& fn) {
  int fds[2];
  if (::pipe(fds) != 0) return "(pipe failed)";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
                             ::setresuid(65534, 65534, 65534) != 0))
      ::_exit(2);
    try {
      const std::string out = fn();
      [[maybe_unused]] const ssize_t n = ::write(fds[1], out.data(), out.size());
    } catch (...) {
      ::_exit(3);  // never let an exception unwind into the test framework in the child
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  std::array<char, 4096> buf{};
  for (ssize_t n; (n = ::read(fds[0], buf.data(), buf.size())) > 0;) out.append(buf.data(), static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "(the unprivileged child failed: status " + std::to_string(status) + ")";
  return out;
}

}  // namespace deepfin::testing
