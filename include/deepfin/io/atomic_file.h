#pragma once
// Writes a file so that readers see either the old contents or the complete new
// ones, never a half-written file: bytes go to a temporary file in the same
// directory, which is fsync'ed and renamed over the target on commit(). If the
// writer is destroyed without commit() (an exception mid-write), the temporary
// file is removed and the target is left untouched. A process killed mid-write
// (SIGKILL) cannot remove its temporary file, so each writer holds a lock on its
// own and, when it starts, removes the unlocked ones left for the same target.
// The temporary file may also be written by name (temp_path()) by a library that
// opens files itself, as PLplot does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace deepfin::io {

class AtomicFileWriter {
 public:
  // Creates the temporary file next to `path`; FileError if the directory is not writable.
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // Appends bytes; FileError (naming the target path) if the write fails.
  void write(const void* data, size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }

  // Flushes, fsyncs and renames the temporary file over the target. Call once.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }
  uint64_t bytes_written() const { return bytes_written_; }
  bool committed() const { return committed_; }

 private:
  void discard() noexcept;

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  uint64_t bytes_written_ = 0;
  bool committed_ = false;
};

// Writes `bytes` to `path` atomically in one call.
void write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace deepfin::io
