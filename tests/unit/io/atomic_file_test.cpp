// AtomicFileWriter: the target holds the old bytes or all the new ones, never part.
#include "deepfin/io/atomic_file.h"

#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/io/npy.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::TempDir;
using testing::throws_with;

TEST(AtomicFile, CommitWritesAllBytesAndLeavesNoTemporary) {
  TempDir dir;
  const std::string path = dir.file("out.bin");
  {
    io::AtomicFileWriter w(path);
    w.write("hello ");
    w.write(std::string(1000, 'x'));
    EXPECT_FALSE(std::filesystem::exists(path));  // nothing visible before commit
    EXPECT_TRUE(std::filesystem::exists(w.temp_path()));
    EXPECT_EQ(std::filesystem::path(w.temp_path()).parent_path(), dir.path());  // same file system, so rename is atomic
    w.commit();
    EXPECT_EQ(w.bytes_written(), 1006u);
  }
  EXPECT_EQ(testing::read_bytes(path), "hello " + std::string(1000, 'x'));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.bin"});
}

TEST(AtomicFile, ExceptionMidWriteLeavesNoFile) {
  TempDir dir;
  const std::string path = dir.file("new.bin");
  try {
    io::AtomicFileWriter w(path);
    w.write("partial");
    throw std::runtime_error("simulated failure while serialising");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicFile, ExceptionMidWriteKeepsTheOldFileIntact) {
  TempDir dir;
  const std::string path = dir.file("model.npy");
  io::save_npy(path, ones({4}));
  const std::string before = testing::read_bytes(path);
  try {
    io::AtomicFileWriter w(path);
    w.write("garbage that must never replace the model");
    throw std::runtime_error("simulated failure");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(testing::read_bytes(path), before);
  EXPECT_EQ(dir.entries().size(), 1u);

  // A save that rejects one of its tensors leaves the old file too.
  EXPECT_THROW(io::save_npz(path, {{"ok", ones({2})}, {"undefined", Tensor()}}), ValueError);
  EXPECT_EQ(testing::read_bytes(path), before);
  EXPECT_EQ(dir.entries().size(), 1u);
}

TEST(AtomicFile, ReplacesAnExistingFile) {
  TempDir dir;
  const std::string path = dir.file("f.txt");
  io::write_file_atomic(path, "old");
  io::write_file_atomic(path, "new contents");
  EXPECT_EQ(testing::read_bytes(path), "new contents");
  EXPECT_EQ(dir.entries().size(), 1u);
}

TEST(AtomicFile, ErrorsNameThePath) {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/f.bin");
  EXPECT_TRUE(throws_with<FileError>([&] { io::AtomicFileWriter w(path); }, {path}));
  EXPECT_TRUE(throws_with<FileError>([&] { io::save_npy(path, ones({1})); }, {path}));
  io::AtomicFileWriter w(dir.file("once.bin"));
  w.commit();
  EXPECT_TRUE(throws_with<FileError>([&] { w.write("late"); }, {"once.bin", "committed"}));
}

}  // namespace
}  // namespace deepfin
