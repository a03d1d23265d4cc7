// Every committed fuzz input (fuzz/corpus/<target>/ and the crashes found so far,
// fuzz/regressions/<target>/) through its target, in the normal build and under
// ASan+UBSan: a target aborts on anything but acceptance or a deepfin::Error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "targets.h"
#include "testing/paths.h"

namespace {

namespace fs = std::filesystem;
using Target = int (*)(const uint8_t*, size_t);

const std::map<std::string, Target>& targets() {
#define DEEPFIN_TABLE_ENTRY(name) {#name, &deepfin_fuzz_##name},
  static const std::map<std::string, Target> table = {DEEPFIN_FUZZ_TARGET_LIST(DEEPFIN_TABLE_ENTRY)};
#undef DEEPFIN_TABLE_ENTRY
  return table;
}

fs::path fuzz_dir() {
  return fs::path(deepfin::testing::test_data_dir()).parent_path() / "fuzz";
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

class FuzzReplay : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { deepfin::fuzz::set_fuzz_limits(); }
  static void TearDownTestSuite() { deepfin::fuzz::remove_scratch_files(); }
};

TEST_P(FuzzReplay, EveryCommittedInputPasses) {
  const Target target = targets().at(GetParam());
  const std::vector<fs::path> corpus = files_in(fuzz_dir() / "corpus" / GetParam());
  ASSERT_FALSE(corpus.empty()) << "no seed corpus in " << (fuzz_dir() / "corpus" / GetParam());
  std::vector<fs::path> inputs = corpus;
  for (const fs::path& p : files_in(fuzz_dir() / "regressions" / GetParam())) inputs.push_back(p);
  for (const fs::path& path : inputs) {
    SCOPED_TRACE(path.string());
    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    target(bytes.data(), bytes.size());  // aborts (and fails the test) on a finding
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplay, ::testing::ValuesIn([] {
                           std::vector<std::string> names;
                           for (const auto& [name, target] : targets()) names.push_back(name);
                           return names;
                         }()),
                         [](const auto& info) { return info.param; });

TEST(FuzzTargets, EachTargetHasACorpusAndEachCorpusATarget) {
  std::set<std::string> folders;
  for (const auto& entry : fs::directory_iterator(fuzz_dir() / "corpus")) folders.insert(entry.path().filename());
  std::set<std::string> names;
  for (const auto& [name, target] : targets()) names.insert(name);
  EXPECT_EQ(folders, names);
  std::set<std::string> sources;
  for (const auto& entry : fs::directory_iterator(fuzz_dir() / "targets")) sources.insert(entry.path().stem());
  EXPECT_EQ(sources, names);
}

}  // namespace
