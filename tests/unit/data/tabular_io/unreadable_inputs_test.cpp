// Every reader of a file from outside, given a folder or a file it may not read:
// one FileError that names the path and the reason (not an empty table, not a
// message about something else). Permission is tested as nobody (testing/unprivileged.h).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "deepfin/base/error.h"
#include "deepfin/data/tabular/arff.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/data/timeseries/series.h"
#include "deepfin/io/idx.h"
#include "deepfin/io/npy.h"
#include "deepfin/io/safetensors.h"
#include "testing/unprivileged.h"

namespace deepfin {
namespace {

namespace fs = std::filesystem;

struct Reader {
  const char* name;
  std::function<void(const std::string&)> read;
};

const std::array<Reader, 7> kReaders = {{
    {"npy", [](const std::string& p) { io::load_npy(p); }},
    {"npz", [](const std::string& p) { io::load_npz(p); }},
    {"idx", [](const std::string& p) { io::load_idx(p); }},
    {"safetensors", [](const std::string& p) { io::load_safetensors(p); }},
    {"csv", [](const std::string& p) { data::read_csv(p); }},
    {"arff", [](const std::string& p) { data::read_arff(p); }},
    {"series", [](const std::string& p) { data::read_series_csv(p); }},
}};

// The message of the Error `read` throws on `path`; "(no error)" or "(other exception)" otherwise.
std::string message_of(const Reader& reader, const std::string& path) {
  try {
    reader.read(path);
  } catch (const FileError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("(other exception) ") + e.what();
  }
  return "(no error)";
}

class UnreadableInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("deepfin_unreadable_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "a folder");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(UnreadableInputs, AFolderIsNamedByEveryReader) {
  const std::string folder = (dir_ / "a folder").string();
  for (const Reader& reader : kReaders) {
    const std::string msg = message_of(reader, folder);
    EXPECT_NE(msg.find(folder), std::string::npos) << reader.name << ": " << msg;
    EXPECT_TRUE(msg.find("folder") != std::string::npos || msg.find("directory") != std::string::npos ||
                msg.find("seekable") != std::string::npos)
        << reader.name << ": " << msg;
  }
}

TEST_F(UnreadableInputs, AFileWithoutReadPermissionIsNamedByEveryReader) {
  const std::string path = (dir_ / "secret").string();
  std::ofstream(path) << "date,close\n2020-01-02,1\n";
  ::chmod(path.c_str(), 0);
  ::chmod(dir_.c_str(), 0755);
  for (const Reader& reader : kReaders) {
    const std::string msg = testing::run_unprivileged([&] { return message_of(reader, path); });
    EXPECT_NE(msg.find(path), std::string::npos) << reader.name << ": " << msg;
    EXPECT_NE(msg.find("Permission denied"), std::string::npos) << reader.name << ": " << msg;
  }
}

}  // namespace
}  // namespace deepfin
