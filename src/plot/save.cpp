// Figure::save: the PLplot session (one global lock, a device check, an exit
// handler so that PLplot's fatal errors throw instead of ending the process) and
// the atomic write (temporary file in the target directory, renamed into place).
#include <fmt/format.h>
#include <plstream.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string_view>

#include "deepfin/base/error.h"
#include "deepfin/io/atomic_file.h"
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

// A PNG ends with its IEND chunk; an SVG with its closing tag.
bool ends_complete(const std::string& file, const char* device) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : 0;
  if (size < 8) return false;
  const std::streamoff tail = std::min<std::streamoff>(size, 64);
  std::string end(static_cast<size_t>(tail), '\0');
  in.seekg(size - tail);
  in.read(end.data(), tail);
  if (!in) return false;
  if (std::string_view(device) == "pngcairo") return end.ends_with(std::string("IEND\xAE\x42\x60\x82", 8));
  while (!end.empty() && std::isspace(static_cast<unsigned char>(end.back()))) end.pop_back();
  return end.ends_with("</svg>");
}

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
  if (y_log_) {
    if (kind_ != Kind::kLines)
      throw ValueError(fmt::format("figure '{}': a logarithmic y axis needs a line chart", title_));
    for (const auto& s : series_)
      for (size_t i = 0; i < s.y.size(); ++i)
        if (!(s.y[i] > 0))
          throw ValueError(fmt::format("figure '{}': series '{}' has y[{}] = {}, which a logarithmic axis cannot show",
                                       title_, s.label, i, s.y[i]));
    if (y_range_.set && !(y_range_.lo > 0))
      throw ValueError(fmt::format("figure '{}': a logarithmic axis needs a positive y range", title_));
  }

  std::lock_guard<std::mutex> lock(plplot_mutex());
  // PLplot opens the file itself, by name: it writes the writer's temporary file.
  io::AtomicFileWriter temp(path);
  try {
    draw(*this, device, temp.temp_path(), path);
  } catch (const PlplotFatal& e) {
    throw FileError(fmt::format("cannot write figure '{}': PLplot: {}", path, e.what()));
  }
  // PLplot's drivers do not report failed writes (a full disk, a file-size limit): a
  // figure is committed only if it ends as its format must.
  if (!ends_complete(temp.temp_path(), device))
    throw FileError(fmt::format("cannot write figure '{}': the image came out incomplete (disk full?)", path));
  temp.commit();
}

}  // namespace deepfin::plot
