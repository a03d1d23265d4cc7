// Figure::save: the PLplot session (one global lock, a device check, an exit
// handler so that PLplot's fatal errors throw instead of ending the process) and
// the atomic write (temporary file in the target directory, renamed into place).
#include <fcntl.h>
#include <fmt/format.h>
#include <plstream.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string_view>

#include "deepfin/core/error.h"
#include "deepfin/plot/figure.h"
#include "plot/render.h"

namespace deepfin::plot {
namespace {

// Thrown by the exit handler: plexit() would otherwise call exit().
class PlplotFatal : public Error {
 public:
  using Error::Error;
};

int throw_instead_of_exit(const char* message) {
  throw PlplotFatal(message ? message : "unknown PLplot error");
}

std::mutex& plplot_mutex() {
  static std::mutex mutex;
  return mutex;
}

// The PLplot device for a path, by its (case-insensitive) extension.
const char* device_for(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".png") return "pngcairo";
  if (ext == ".svg") return "svgcairo";  // same fonts and look as pngcairo; PLplot lists "svg" as interactive
  return nullptr;
}

// An unknown device would make plinit() prompt on stdin, so check first.
bool device_available(plstream& pls, const char* device) {
  std::array<const char*, 128> menus{}, names{};
  const char** menu_ptr = menus.data();
  const char** name_ptr = names.data();
  int count = static_cast<int>(names.size());
  pls.gFileDevs(&menu_ptr, &name_ptr, &count);
  for (int i = 0; i < count; ++i) {
    if (name_ptr[i] && std::string_view(name_ptr[i]) == device) return true;
  }
  return false;
}

// Owns the temporary file until commit(); removes it on every other way out.
class TempFile {
 public:
  explicit TempFile(const std::string& target) : target_(target) {
    const std::filesystem::path dir = std::filesystem::path(target).parent_path();
    std::string pattern = ((dir.empty() ? std::filesystem::path(".") : dir) / ".deepfin-plot-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw FileError(fmt::format("cannot write figure '{}': {}", target, std::strerror(errno)));
    ::fchmod(fd, 0644);  // mkstemp makes 0600; a figure should be readable like any other file
    ::close(fd);         // PLplot reopens it by name
    path_ = pattern;
  }
  ~TempFile() {
    if (!committed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

  void commit() {
    struct stat info {};
    if (::stat(path_.c_str(), &info) != 0 || info.st_size == 0) {
      throw FileError(fmt::format("cannot write figure '{}': PLplot wrote nothing", target_));
    }
    const int fd = ::open(path_.c_str(), O_RDONLY);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!synced || std::rename(path_.c_str(), target_.c_str()) != 0) {
      throw FileError(fmt::format("cannot write figure '{}': {}", target_, std::strerror(errno)));
    }
    committed_ = true;
  }

 private:
  std::string target_, path_;
  bool committed_ = false;
};

void draw(const Figure& figure, const char* device, const std::string& file, const std::string& target) {
  PLINT error_code = 0;
  std::array<char, 1024> error_message{};
  {
    plstream pls;  // its destructor (plend1) finishes and closes the file
    pls.sexit(throw_instead_of_exit);
    pls.sError(&error_code, error_message.data());
    if (!device_available(pls, device)) {
      throw FileError(fmt::format("cannot write figure '{}': PLplot device '{}' is not installed", target, device));
    }
    pls.sdev(device);
    pls.sfnam(file.c_str());
    pls.spage(0, 0, figure.width(), figure.height(), 0, 0);
    detail::set_palette(pls);
    pls.init();
    detail::render(figure, pls);
  }
  // Non-fatal PLplot errors (plabort) only set the error code.
  if (error_code != 0) throw PlplotFatal(error_message.data());
}

}  // namespace

void Figure::save(const std::string& path) const {
  const char* device = device_for(path);
  if (!device) {
    throw ValueError(
        fmt::format("figure '{}': cannot save as '{}': the file name must end in .png or .svg", title_, path));
  }
  if (kind_ == Kind::kEmpty) throw ValueError(fmt::format("figure '{}': nothing to draw in '{}'", title_, path));

  std::lock_guard<std::mutex> lock(plplot_mutex());
  TempFile temp(path);
  try {
    draw(*this, device, temp.path(), path);
  } catch (const PlplotFatal& e) {
    throw FileError(fmt::format("cannot write figure '{}': PLplot: {}", path, e.what()));
  }
  temp.commit();
}

}  // namespace deepfin::plot
