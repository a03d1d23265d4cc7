// A writer killed mid-write (SIGKILL: no destructor, no clean-up) leaves its hidden
// temporary file; the next writer of the same target removes it, and never touches
// the temporary file of a writer that is still alive.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "deepfin/io/atomic_file.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::TempDir;

// Forks a child that starts writing `path` and is killed before it commits.
void killed_writer(const std::string& path) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    io::AtomicFileWriter w(path);
    w.write(std::string(4096, 'x'));
    ::raise(SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

size_t temporaries(const TempDir& dir) {
  size_t n = 0;
  for (const std::string& name : dir.entries()) n += name.find(".deepfin-tmp-") != std::string::npos;
  return n;
}

TEST(StaleTemporaries, AKilledWritersFileIsRemovedByTheNextWriter) {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  killed_writer(path);
  EXPECT_EQ(temporaries(dir), 1u);  // what SIGKILL leaves behind
  killed_writer(path);              // its start removed the first one's
  EXPECT_EQ(temporaries(dir), 1u);
  EXPECT_FALSE(std::filesystem::exists(path));
  io::write_file_atomic(path, "new");
  EXPECT_EQ(temporaries(dir), 0u);
  EXPECT_EQ(testing::read_bytes(path), "new");
}

TEST(StaleTemporaries, ALiveWritersFileIsKept) {
  TempDir dir;
  const std::string path = dir.file("out.bin");
  io::AtomicFileWriter first(path);
  first.write("first");
  io::write_file_atomic(path, "second");  // another writer of the same target, while the first is alive
  ASSERT_TRUE(std::filesystem::exists(first.temp_path()));
  first.commit();
  EXPECT_EQ(testing::read_bytes(path), "first");
  EXPECT_EQ(temporaries(dir), 0u);
}

TEST(StaleTemporaries, OtherTargetsAndOtherFilesAreLeftAlone) {
  TempDir dir;
  killed_writer(dir.file("a.bin"));
  testing::write_bytes(dir.file(".b.bin.tmp-backup"), "user file");
  io::write_file_atomic(dir.file("b.bin"), "b");
  EXPECT_EQ(temporaries(dir), 1u);  // a.bin's leftover (another target); the user's file is no temporary
  io::write_file_atomic(dir.file("a.bin"), "a");
  EXPECT_EQ(temporaries(dir), 0u);
  EXPECT_EQ(testing::read_bytes(dir.file(".b.bin.tmp-backup")), "user file");
}

}  // namespace
}  // namespace deepfin
