// deepfin/deepfin.h includes every public header once: a header added to
// include/deepfin without a line there fails here, and so does a line twice.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "deepfin/deepfin.h"  // and it compiles as a whole
#include "testing/paths.h"

namespace {

namespace fs = std::filesystem;

std::map<std::string, int> included_by(const fs::path& header) {
  std::ifstream in(header);
  std::map<std::string, int> out;
  const std::string prefix = "#include \"deepfin/";
  for (std::string text; std::getline(in, text);) {
    if (text.rfind(prefix, 0) != 0) continue;
    const size_t close = text.find('"', prefix.size());
    if (close != std::string::npos) ++out[text.substr(10, close - 10)];  // after `#include "`
  }
  return out;
}

TEST(UmbrellaHeader, IncludesEveryPublicHeaderOnce) {
  const fs::path include = fs::path(deepfin::testing::test_data_dir()) / ".." / "include";
  std::map<std::string, int> reached = included_by(include / "deepfin" / "deepfin.h");
  for (const auto& [name, count] : reached) EXPECT_EQ(count, 1) << name << " is listed " << count << " times";
  for (const auto& [name, count] : included_by(include / "deepfin" / "nn" / "layers.h")) reached[name] += count;
  for (const auto& entry : fs::recursive_directory_iterator(include / "deepfin")) {
    if (entry.path().extension() != ".h" || entry.path().filename() == "deepfin.h") continue;
    const std::string name = fs::relative(entry.path(), include).string();
    EXPECT_TRUE(reached.count(name)) << name << " is not in deepfin/deepfin.h";
  }
}

}  // namespace
