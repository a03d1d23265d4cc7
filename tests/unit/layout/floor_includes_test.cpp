// The house's floors (docs/architecture.md): each folder of src/ and
// include/deepfin/ may include only the floors below it, and the command line
// only the library's upper floors. An upward include fails here, naming the file,
// the line and the rule, so the map cannot drift from the code unnoticed.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "testing/paths.h"

namespace {

namespace fs = std::filesystem;
using Floors = std::set<std::string>;

// What each floor may include besides itself. Keep in step with docs/architecture.md.
const std::map<std::string, Floors>& allowed() {
  static const Floors kTensor = {"base", "kernels", "core", "autograd"};
  static const Floors kEngine = {"base", "kernels", "core", "autograd", "ops"};
  static const Floors kOnOps = {"base", "core", "autograd", "ops"};  // above the engine: no kernels
  static const Floors kModels = {"base",   "core",    "autograd", "ops",     "io",    "data",  "optim",
                                 "losses", "metrics", "nn",       "privacy", "train", "models"};
  static const Floors kAboveModels = {"base",   "core",    "autograd", "ops",     "io",    "data",   "optim",
                                      "losses", "metrics", "nn",       "privacy", "train", "models", "explain"};
  static const std::map<std::string, Floors> rules = {
      {"base", {}},
      {"kernels", {"base"}},
      {"core", kTensor},  // a Tensor carries its autograd node: core and autograd are one floor
      {"autograd", kTensor},
      {"ops", kEngine},
      {"io", {"base", "core"}},
      {"data", {"base", "core", "io"}},
      {"optim", {"base", "core", "autograd"}},
      {"losses", kOnOps},
      {"metrics", kOnOps},
      {"explain", kOnOps},
      {"backtest", {"base", "core"}},
      {"plot", {"base", "core", "io"}},
      {"text", {"base", "core", "io", "data"}},
      {"nn", {"base", "core", "autograd", "ops", "io", "data"}},
      // DP-SGD's accountant, noise and per-example gradients: on the layers, under the fit loop.
      {"privacy", {"base", "core", "autograd", "ops", "io", "data", "nn"}},
      {"train", {"base", "core", "autograd", "ops", "io", "data", "optim"}},
      {"models", kModels},
      {"tabular", kAboveModels},
      {"text_model",
       [] {
         Floors f = kAboveModels;
         f.insert("text");
         return f;
       }()},
      // Language models: generation and pretraining over the CausalLM layer and the byte-level BPE.
      {"lm",
       [] {
         Floors f = kAboveModels;
         f.insert("text");
         return f;
       }()},
      {"report", {"base", "core", "io", "metrics", "plot"}},
      {"tasks",
       [] {
         Floors f = kAboveModels;  // everything below but the kernels
         f.insert({"text", "text_model", "lm", "tabular", "backtest", "report", "plot"});
         return f;
       }()},
      // The scoring server: the tasks' loaded models behind HTTP, never the engine below them.
      {"serve",
       {"base", "core", "io", "data", "metrics", "privacy", "models", "tabular", "text", "text_model", "tasks"}},
      // The command line is thin: tasks and models, never the engine below them.
      {"cli",
       {"base", "core", "io", "data", "metrics", "privacy", "train", "models", "tabular", "text_model", "lm", "tasks",
        "serve"}},
  };
  return rules;
}

// The path in `#include "path"`, if the line is one (std::regex is avoided: GCC 12
// warns falsely inside it under the sanitizers).
std::optional<std::string> quoted_include(const std::string& line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos || line[i] != '#') return std::nullopt;
  i = line.find_first_not_of(" \t", i + 1);
  if (i == std::string::npos || line.compare(i, 7, "include") != 0) return std::nullopt;
  const size_t open = line.find('"', i + 7), close = open == std::string::npos ? open : line.find('"', open + 1);
  if (close == std::string::npos || line.find_first_not_of(" \t", i + 7) != open) return std::nullopt;
  return line.substr(open + 1, close - open - 1);
}

// The floor an include names: "deepfin/<floor>/..." (public) or "<floor>/..." (inside src/).
std::string floor_of(const std::string& include) {
  const std::string path = include.rfind("deepfin/", 0) == 0 ? include.substr(8) : include;
  const auto slash = path.find('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

void check_tree(const fs::path& dir, const std::string& fixed_floor, std::vector<std::string>& problems) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".h" && ext != ".cpp") continue;
    const std::string floor = !fixed_floor.empty() ? fixed_floor : fs::relative(entry.path(), dir).begin()->string();
    const auto rule = allowed().find(floor);
    if (rule == allowed().end()) {
      if (entry.path().parent_path() != dir) problems.push_back(entry.path().string() + ": no rule for floor " + floor);
      continue;
    }
    std::ifstream in(entry.path());
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      const std::optional<std::string> included = quoted_include(line);
      if (!included) continue;
      const std::string to = floor_of(*included);
      if (to.empty() || to == floor || !allowed().count(to) || rule->second.count(to)) continue;
      problems.push_back(fmt::format("{}:{}: {} includes \"{}\" ({} may not include {})", entry.path().string(),
                                     line_no, floor, *included, floor, to));
    }
  }
}

TEST(FloorIncludes, NoFloorIncludesAHigherOne) {
  const fs::path root = fs::path(deepfin::testing::test_data_dir()) / "..";
  std::vector<std::string> problems;
  check_tree(root / "include" / "deepfin", "", problems);
  check_tree(root / "src", "", problems);
  check_tree(root / "tools" / "cli", "cli", problems);
  for (const auto& p : problems) ADD_FAILURE() << p;
}

TEST(FloorIncludes, OnlyTheEngineReachesBelowTheKernelSeam) {
  // Core and ops call kernels through kernels/*.h (the dispatch seam); the
  // providers under kernels/cpu/ and kernels/gemm/ are the kernels' own.
  const fs::path root = fs::path(deepfin::testing::test_data_dir()) / "..";
  for (const auto& entry : fs::recursive_directory_iterator(root / "src")) {
    if (fs::relative(entry.path(), root / "src").begin()->string() == "kernels") continue;
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      const std::optional<std::string> included = quoted_include(line);
      if (!included) continue;
      for (const char* provider : {"kernels/cpu/", "kernels/gemm/", "kernels/cuda/"})
        EXPECT_NE(included->rfind(provider, 0), 0u) << entry.path() << ": " << line;
    }
  }
}

}  // namespace
