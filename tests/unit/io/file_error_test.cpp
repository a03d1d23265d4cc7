// FileError carries the errno of a failed open or read, and 0 when the contents
// were at fault: front doors (the Python module) raise FileNotFoundError for the
// first kind and ValueError for the second.
#include <gtest/gtest.h>

#include <cerrno>
#include <functional>

#include "deepfin/base/error.h"
#include "deepfin/io/npy.h"
#include "deepfin/io/read_file.h"
#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::TempDir;

int code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const FileError& e) {
    return e.error_code();
  }
  ADD_FAILURE() << "no FileError";
  return -1;
}

TEST(FileErrorCode, AMissingFileIsEnoent) {
  TempDir dir;
  EXPECT_EQ(code_of([&] { io::read_file(dir.file("absent.txt")); }), ENOENT);
  EXPECT_EQ(code_of([&] { io::load_npy(dir.file("absent.npy")); }), ENOENT);
}

TEST(FileErrorCode, MalformedContentsHaveNoErrno) {
  TempDir dir;
  const std::string path = dir.file("bad.npy");
  testing::write_bytes(path, "not an npy file at all");
  EXPECT_EQ(code_of([&] { io::load_npy(path); }), 0);
  EXPECT_EQ(code_of([&] { io::read_file(dir.path().string()); }), 0);  // a folder: named as such, no errno
}

}  // namespace
}  // namespace deepfin
