// Checkpoint file names, listing (newest first, other files ignored) and pruning.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "deepfin/base/error.h"
#include "deepfin/train/checkpoint.h"

namespace deepfin::train {
namespace {

namespace fs = std::filesystem;

TEST(CheckpointFiles, ListedNewestFirstAndPrunedToKeep) {
  const fs::path dir = fs::temp_directory_path() / ("deepfin_ckpt_files_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  EXPECT_TRUE(list_checkpoints(dir.string()).empty());  // no directory yet: nothing to resume
  fs::create_directories(dir);
  for (int64_t step : {5, 100, 20}) std::ofstream(checkpoint_file(dir.string(), step)) << "x";
  std::ofstream(dir / "checkpoint-7.safetensors.tmp") << "x";  // a temporary file of an interrupted write
  std::ofstream(dir / "notes.txt") << "x";
  const auto all = list_checkpoints(dir.string());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].filename(), "checkpoint-000000100.safetensors");
  EXPECT_EQ(all[2].filename(), "checkpoint-000000005.safetensors");
  prune_checkpoints(dir.string(), 2);
  const auto kept = list_checkpoints(dir.string());
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1].filename(), "checkpoint-000000020.safetensors");
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  fs::remove_all(dir);
}

TEST(CheckpointFiles, OptionsThatCouldNeverWriteAreRefused) {
  EXPECT_NO_THROW(check_checkpoint_options({.directory = "d", .every_steps = 10}));
  EXPECT_NO_THROW(check_checkpoint_options({.directory = "d", .every_epochs = 1}));
  EXPECT_THROW(check_checkpoint_options({.directory = "d"}), ConfigError);
  EXPECT_THROW(check_checkpoint_options({.every_steps = 1}), ConfigError);
  EXPECT_THROW(check_checkpoint_options({.directory = "d", .every_steps = -1}), ConfigError);
  EXPECT_THROW(check_checkpoint_options({.directory = "d", .every_steps = 1, .keep = 0}), ConfigError);
}

}  // namespace
}  // namespace deepfin::train
