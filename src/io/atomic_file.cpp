#include "deepfin/io/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <vector>

#include "deepfin/base/error.h"

namespace deepfin::io {
namespace {

std::string parent_dir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

[[noreturn]] void throw_errno(const std::string& what, const std::string& path) {
  const int err = errno;
  throw FileError(fmt::format("cannot {} {}: {}", what, path, std::strerror(err)), err);
}

// fsync on the directory makes the rename itself durable.
void sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: some file systems refuse to open directories
  ::fsync(fd);
  ::close(fd);
}

// Temporary files carry a marker no user file is likely to have, so the clean-up
// below can never take someone's ".model.tmp-backup".
constexpr const char* kTempMarker = ".deepfin-tmp-";

bool mkstemp_suffix(const std::string& name, size_t prefix_size) {
  if (name.size() != prefix_size + 6) return false;
  for (size_t i = prefix_size; i < name.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(name[i]))) return false;
  return true;
}

// A writer holds an exclusive flock on its temporary file for as long as it lives;
// the kernel drops the lock when the process dies, however it dies. A temporary file
// of the same target that can be locked was therefore left by a writer that was
// killed (SIGKILL, power loss) and is removed. Files of live writers stay, and on a
// file system without flock (some NFS and Lustre mounts) nothing is removed.
void remove_stale_temps(const std::string& dir, const std::string& prefix) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;  // the mkstemp below reports an unusable directory
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0 || !mkstemp_suffix(name, prefix.size())) continue;
    const std::string path = dir + "/" + name;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0) ::unlink(path.c_str());
    ::close(fd);
  }
  ::closedir(d);
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_.back() == '/') throw FileError(fmt::format("cannot write '{}': not a file path", path_));
  const std::string dir = parent_dir(path_), prefix = "." + base_name(path_) + kTempMarker;
  remove_stale_temps(dir, prefix);
  for (int attempt = 0; attempt < 3 && fd_ < 0; ++attempt) {
    std::string templ = dir + "/" + prefix + "XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    // O_CLOEXEC: a child process must not inherit the descriptor, and with it the lock.
    fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd_ < 0) throw_errno("create a temporary file for", path_);
    const bool locked = ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
    const bool held_by_another = !locked && errno == EWOULDBLOCK;
    if (!locked && !held_by_another) {
      temp_path_ = buf.data();  // no flock on this file system (ENOLCK, ENOSYS ...): write without it
      break;
    }
    // Between mkstemp and flock another writer's clean-up may have taken the new file for
    // a stale one: it is then locked by that writer or unlinked (st_nlink 0). Try again.
    struct stat info {};
    if (held_by_another || ::fstat(fd_, &info) != 0 || info.st_nlink == 0) {
      ::close(fd_);
      fd_ = -1;
      continue;
    }
    temp_path_ = buf.data();
  }
  if (fd_ < 0) throw FileError(fmt::format("cannot create a temporary file for {}: it keeps disappearing", path_));
  ::fchmod(fd_, 0644);  // mkstemp makes 0600; a saved model should be readable like any other file
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) discard();
}

void AtomicFileWriter::discard() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicFileWriter::write(const void* data, size_t size) {
  if (fd_ < 0) throw FileError(fmt::format("cannot write {}: the writer is already committed or closed", path_));
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("write", path_);
    }
    p += n;
    size -= static_cast<size_t>(n);
    bytes_written_ += static_cast<uint64_t>(n);
  }
}

void AtomicFileWriter::commit() {
  if (fd_ < 0) throw FileError(fmt::format("cannot commit {}: the writer is already committed or closed", path_));
  if (::fsync(fd_) != 0) throw_errno("sync", path_);
  // Renamed while still open (and locked), so no clean-up can take it for a stale file.
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) throw_errno("rename the temporary file onto", path_);
  committed_ = true;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw_errno("close", path_);
  sync_dir(parent_dir(path_));
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  AtomicFileWriter writer(path);
  writer.write(bytes);
  writer.commit();
}

}  // namespace deepfin::io
