#include "deepfin/io/output_paths.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "deepfin/base/error.h"
#include "deepfin/io/atomic_file.h"

namespace deepfin::io {
namespace fs = std::filesystem;

void prepare_output_dir(const std::string& dir, const std::string& what) {
  // Nothing is created here (a job that fails later leaves no empty folders): the
  // nearest folder that exists must be one, and a file must be creatable in it.
  std::error_code ec;
  fs::path existing = fs::absolute(dir, ec);
  while (!existing.empty() && !fs::exists(existing, ec) && existing != existing.parent_path())
    existing = existing.parent_path();
  if (!fs::is_directory(existing, ec))
    throw FileError(fmt::format("cannot create the folder '{}' for {}: '{}' is a file, not a folder", dir, what,
                                existing.string()));
  // Creating (and dropping) a temporary file is the test that counts: it is what saving does.
  try {
    AtomicFileWriter probe((existing / ".deepfin-write-check").string());
  } catch (const FileError& e) {
    throw FileError(fmt::format("cannot write into the folder '{}' for {}: {}", existing.string(), what, e.what()));
  }
}

void create_output_dir(const std::string& dir, const std::string& what) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw FileError(fmt::format("cannot create the folder '{}' for {}: {}", dir, what,
                                ec ? ec.message() : "a file of that name is in the way"));
}

void create_parent_dir(const std::string& file) {
  const fs::path parent = fs::path(file).parent_path();
  if (!parent.empty()) create_output_dir(parent.string(), "'" + file + "'");
}

void write_output_file(const std::string& path, const std::string& text) {
  create_parent_dir(path);
  write_file_atomic(path, text);
}

void prepare_output_file(const std::string& path, const std::string& what) {
  if (path.empty()) return;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw FileError(fmt::format("cannot write {} to '{}': it is a folder", what, path));
  const fs::path parent = fs::path(path).parent_path();
  prepare_output_dir(parent.empty() ? "." : parent.string(), what);
}

}  // namespace deepfin::io
