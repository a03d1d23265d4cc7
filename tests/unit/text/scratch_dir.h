#pragma once
// A temporary directory removed with everything in it at the end of a test.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace deepfin::text::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "deepfin-text-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string sub(const std::string& name) const { return (path_ / name).string(); }
  // Writes `bytes` exactly (binary) to a file in the directory and returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(sub(name), std::ios::binary) << bytes;
    return sub(name);
  }
  bool empty() const { return std::filesystem::is_empty(path_); }

 private:
  std::filesystem::path path_;
};

}  // namespace deepfin::text::testing
