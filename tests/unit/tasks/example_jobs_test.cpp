// Every job file in examples/ parses as the command would read it: a user's first run
// must not stop at an unknown key or a value out of range in a shipped example. Pretrain
// jobs (pretrain_*.toml), body jobs (body_*.toml) and task jobs each go to their own parser.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "deepfin/base/error.h"
#include "deepfin/io/read_file.h"
#include "deepfin/tasks/job_file.h"
#include "deepfin/tasks/language_model_task.h"
#include "testing/paths.h"

namespace deepfin::tasks {
namespace {

std::vector<std::filesystem::path> example_job_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(testing::test_data_dir() + "/../examples"))
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  return files;
}

TEST(ExampleJobs, EveryJobFileParses) {
  const std::vector<std::filesystem::path> files = example_job_files();
  ASSERT_GE(files.size(), 20u) << "the examples folder was not found where the tests expect it";
  int pretrain = 0, body = 0, task = 0;
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    const std::string text = io::read_file(file.string());
    try {
      if (name.starts_with("pretrain_")) {
        (void)parse_pretrain_job(text, name);
        ++pretrain;
      } else if (name.starts_with("body_")) {
        (void)parse_body_pretrain_job(text, name);
        ++body;
      } else {
        (void)parse_job(text, name);
        ++task;
      }
    } catch (const Error& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GE(pretrain, 2);
  EXPECT_GE(body, 1);
  EXPECT_GE(task, 15);
}

TEST(ExampleJobs, TheCheckCanFail) {
  // A key the parser does not know, in an example's text, is refused with its name.
  std::string text = io::read_file(testing::test_data_dir() + "/../examples/pretrain_banking77.toml");
  text.replace(text.find("[model]\n"), 8, "[model]\nattention = \"bidirectional\"\n");
  try {
    (void)parse_pretrain_job(text, "pretrain_banking77.toml");
    ADD_FAILURE() << "an unknown key was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key 'attention' in [model]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin::tasks
