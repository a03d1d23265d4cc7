#include <gtest/gtest.h>

#include "deepfin/core/error.h"
#include "job_file.h"

namespace deepfin::cli {
namespace {

const char* kMinimal = R"(
[data]
source = "npy"
x = "x.npy"
y = "y.npy"
[model]
class_name = "Sequential"
config = { layers = [] }
[compile]
loss = "mse"
)";

std::string error_of(const std::string& text) {
  try {
    parse_job(text, "job.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(JobFile, ParsesAMinimalJob) {
  JobSpec job = parse_job(kMinimal, "job.toml");
  EXPECT_EQ(job.data.source, "npy");
  EXPECT_EQ(job.data.x, "x.npy");
  EXPECT_DOUBLE_EQ(job.data.test_split, 0.2);
  EXPECT_EQ(job.model["class_name"], "Sequential");
  EXPECT_EQ(job.compile["loss"], "mse");
  EXPECT_FALSE(job.seed.has_value());
}

TEST(JobFile, SyntaxErrorsNameFileLineAndColumn) {
  const std::string msg = error_of("[data]\nsource = \n");
  EXPECT_NE(msg.find("job.toml:2:"), std::string::npos) << msg;
}

TEST(JobFile, UnknownKeysAreErrors) {
  const std::string msg = error_of(std::string(kMinimal) + "[fit]\nepoch = 3\n");
  EXPECT_NE(msg.find("unknown key 'epoch'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("epochs"), std::string::npos) << msg;  // the known keys are listed
}

TEST(JobFile, MissingTablesAndBadValuesAreNamed) {
  EXPECT_NE(error_of("[data]\nsource = \"npy\"\n").find("[model]"), std::string::npos);
  EXPECT_NE(
      error_of("[data]\nsource = \"csv\"\n[model]\nclass_name=\"Sequential\"\nconfig={}\n[compile]\nloss=\"mse\"\n")
          .find("source must be"),
      std::string::npos);
  std::string bad_split = kMinimal;
  bad_split.replace(bad_split.find("y = \"y.npy\""), 11, "y = \"y.npy\"\ntest_split = 1.5");
  EXPECT_NE(error_of(bad_split).find("test_split"), std::string::npos);
}

TEST(JobFile, MissingFileIsAFileError) {
  EXPECT_THROW(load_job_file("/nonexistent/job.toml"), FileError);
}

}  // namespace
}  // namespace deepfin::cli
