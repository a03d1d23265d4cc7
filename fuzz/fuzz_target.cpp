#include "fuzz_target.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>

#include "deepfin/base/error.h"

namespace deepfin::fuzz {

int run_target(const char* target, const std::function<void()>& parse) {
  try {
    parse();
  } catch (const Error& e) {
    if (std::string_view(e.what()).empty()) {
      fmt::print(stderr, "fuzz {}: a deepfin::Error with an empty message\n", target);
      std::abort();
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "fuzz {}: a non-deepfin exception escaped: {}\n", target, e.what());
    std::abort();
  }
  return 0;
}

namespace {
// tmpfs where there is one: a fuzzer writes its scratch file millions of times.
const std::string& scratch_dir() {
  static const std::string dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
  return dir;
}
std::string scratch_prefix() {
  return fmt::format("deepfin-fuzz-{}", ::getpid());
}
}  // namespace

std::string scratch_file(const uint8_t* data, size_t size, const std::string& suffix) {
  const std::string path = scratch_dir() + "/" + scratch_prefix() + suffix;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    fmt::print(stderr, "fuzz: cannot write the scratch file {}\n", path);
    std::abort();
  }
  return path;
}

void remove_scratch_files() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(scratch_dir(), ec))
    if (entry.path().filename().string().starts_with(scratch_prefix())) std::filesystem::remove(entry.path(), ec);
}

void set_fuzz_limits() {
  ::setenv("DEEPFIN_MAX_WEIGHT_BYTES", "67108864", 1);  // 64 MiB per weight
}

}  // namespace deepfin::fuzz
