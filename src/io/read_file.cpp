#include "deepfin/io/read_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "deepfin/base/error.h"

namespace deepfin::io {

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw FileError(fmt::format("cannot read {}: it is a folder, not a file", path));
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    const int err = errno;
    throw FileError(fmt::format("cannot open {}: {}", path, std::strerror(err)), err);
  }
  std::string text;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) text.reserve(size);
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
  if (std::ferror(f.get())) {
    const int err = errno;
    throw FileError(fmt::format("cannot read {}: {}", path, std::strerror(err)), err);
  }
  return text;
}

}  // namespace deepfin::io
