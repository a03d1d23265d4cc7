// The deepfin command on bad input: one clear line on stderr, a non-zero exit,
// and no output file left behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "deepfin/core/tensor.h"
#include "deepfin/io/npy.h"
#include "testing/paths.h"

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

RunResult run_cli(const std::string& args) {
  const std::string cmd = deepfin::testing::cli_path() + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  while (pipe && fgets(buf.data(), buf.size(), pipe)) out += buf.data();
  const int status = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class CliErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("deepfin_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string job(const std::string& layers, const std::string& loss = "categorical_crossentropy") {
    return "[data]\nsource = \"npy\"\nx = \"" + (dir_ / "x.npy").string() + "\"\ny = \"" + (dir_ / "y.npy").string() +
           "\"\n[model]\nclass_name = \"Sequential\"\n" + layers + "[compile]\nloss = \"" + loss +
           "\"\n[output]\nmodel = \"" + (dir_ / "model.safetensors").string() + "\"\n";
  }
  fs::path dir_;
};

TEST_F(CliErrors, MissingJobFile) {
  RunResult r = run_cli("train " + (dir_ / "nope.toml").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("deepfin: error: cannot open " + (dir_ / "nope.toml").string() + ": No such file"),
            std::string::npos)
      << r.output;
  // A folder given as the job file was read as an empty job ("missing required table [data]").
  RunResult folder = run_cli("train " + dir_.string());
  EXPECT_EQ(folder.exit_code, 1);
  EXPECT_NE(folder.output.find("cannot read " + dir_.string() + ": it is a folder, not a file"), std::string::npos)
      << folder.output;
}

TEST_F(CliErrors, TruncatedNpyIsNamedAndNoModelIsWritten) {
  write("x.npy", "\x93NUMPY\x01\x00");  // magic and version, then nothing
  write("y.npy", "");
  const std::string layers = "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 2 }\n";
  RunResult r = run_cli("train " + write("job.toml", job(layers)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("x.npy"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "model.safetensors"));
}

// Writes x (n, 4) and one-hot y (m, 2) as .npy files in the test directory.
void write_data(const fs::path& dir, int64_t n, int64_t m, bool nan = false) {
  deepfin::Tensor x = deepfin::ones({n, 4});
  if (nan) x.set({n - 1, 2}, std::numeric_limits<double>::quiet_NaN());
  deepfin::io::save_npy((dir / "x.npy").string(), x);
  deepfin::io::save_npy((dir / "y.npy").string(), deepfin::zeros({m}, deepfin::DType::int64));
}

const char* kDense =
    "[[model.config.layers]]\nclass_name = \"Dense\"\nconfig = { units = 2, activation = \"softmax\" }\n";

TEST_F(CliErrors, UnknownLayerNameListsTheKnownOnes) {
  write_data(dir_, 10, 10);
  const std::string layers = "[[model.config.layers]]\nclass_name = \"Dense2\"\nconfig = { units = 2 }\n";
  RunResult r = run_cli("train " + write("job.toml", job(layers)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("Dense2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Conv2D"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "model.safetensors"));
}

TEST_F(CliErrors, UnknownLossName) {
  write_data(dir_, 10, 10);
  RunResult r = run_cli("train " + write("job.toml", job(kDense, "categorical_crossentropyy")));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("categorical_crossentropyy"), std::string::npos) << r.output;
}

TEST_F(CliErrors, LabelCountDiffersFromSampleCount) {
  write_data(dir_, 10, 7);
  RunResult r = run_cli("train " + write("job.toml", job(kDense)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("(10, 4)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(7,)"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "model.safetensors"));
}

TEST_F(CliErrors, NaNInTheInputs) {
  write_data(dir_, 10, 10, /*nan=*/true);
  RunResult r = run_cli("train " + write("job.toml", job(kDense)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("NaN"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "model.safetensors"));
}

TEST_F(CliErrors, AnNpzWithoutTheNamedArraysOrWithNaNIsNamed) {
  const std::string npz = (dir_ / "d.npz").string();
  const std::string npz_job = "[data]\nsource = \"npz\"\npath = \"" + npz +
                              "\"\n[model]\nclass_name = \"Sequential\"\n" + std::string(kDense) +
                              "[compile]\nloss = \"categorical_crossentropy\"\n[output]\nmodel = \"" +
                              (dir_ / "model.safetensors").string() + "\"\n";
  deepfin::io::save_npz(npz, {{"a", deepfin::ones({10, 4})}, {"b", deepfin::zeros({10})}});
  RunResult missing = run_cli("train " + write("job.toml", npz_job));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("no array named 'x' (it has: a, b)"), std::string::npos) << missing.output;
  deepfin::Tensor x = deepfin::ones({10, 4});
  x.data<float>()[13] = std::numeric_limits<float>::quiet_NaN();
  deepfin::io::save_npz(npz, {{"x", x}, {"y", deepfin::zeros({10})}});
  RunResult nan = run_cli("train " + write("job.toml", npz_job));
  EXPECT_EQ(nan.exit_code, 1) << nan.output;
  EXPECT_NE(nan.output.find("x contains NaN at flat index"), std::string::npos) << nan.output;  // rows are split first
  EXPECT_FALSE(fs::exists(dir_ / "model.safetensors"));
}

TEST_F(CliErrors, ASingleSampleCannotBeSplitAndSaysSo) {
  write_data(dir_, 1, 1);
  RunResult r = run_cli("train " + write("job.toml", job(kDense)));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("of 1 samples leaves an empty train or test set"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "model.safetensors"));
}

TEST_F(CliErrors, ASingleSampleInAnNpzCannotBeSplitEither) {
  const std::string npz = (dir_ / "d.npz").string();
  deepfin::io::save_npz(npz, {{"x", deepfin::ones({1, 4})}, {"y", deepfin::zeros({1}, deepfin::DType::int64)}});
  std::string j = job(kDense);
  j.replace(j.find("source = \"npy\""), 14, "source = \"npz\"\npath = \"" + npz + "\"");
  j.erase(j.find("x = \""), j.find("[model]") - j.find("x = \""));
  RunResult r = run_cli("train " + write("job.toml", j));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("of 1 samples leaves an empty train or test set"), std::string::npos) << r.output;
}

TEST_F(CliErrors, PredictArgumentsThatAreFoldersOrMissingAreNamed) {
  write_data(dir_, 10, 10);
  std::string sparse = job(kDense, "sparse_categorical_crossentropy");
  sparse.insert(sparse.find('\n') + 1, "one_hot = false\n");  // integer labels as they are
  const RunResult trained = run_cli("train " + write("job.toml", sparse));
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const std::string model = (dir_ / "model.safetensors").string(), x = (dir_ / "x.npy").string();
  RunResult folder_model = run_cli("predict " + dir_.string() + " " + x + " -o " + (dir_ / "p.npy").string());
  EXPECT_EQ(folder_model.exit_code, 1);
  EXPECT_NE(folder_model.output.find(dir_.string()), std::string::npos) << folder_model.output;
  RunResult folder_out = run_cli("predict " + model + " " + x + " -o " + dir_.string());
  EXPECT_EQ(folder_out.exit_code, 1);
  EXPECT_NE(folder_out.output.find("it is a folder"), std::string::npos) << folder_out.output;
  RunResult no_output = run_cli("predict " + model + " " + x);
  EXPECT_EQ(no_output.exit_code, 1);
  EXPECT_NE(no_output.output.find("-o/--output is required for .npy input"), std::string::npos) << no_output.output;
  RunResult nothing = run_cli("predict " + model);
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.output.find("give an input file or --text"), std::string::npos) << nothing.output;
}

TEST_F(CliErrors, MissingDataPackageSaysWhatToInstall) {
  const std::string text =
      "[data]\nsource = \"fashion_mnist\"\npath = \"" + (dir_ / "none").string() +
      "\"\n[model]\nclass_name = \"Sequential\"\nconfig = { layers = [] }\n[compile]\nloss = \"mse\"\n";
  RunResult r = run_cli("train " + write("job.toml", text));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("dataset-fashion-mnist"), std::string::npos) << r.output;
}

TEST_F(CliErrors, CorruptedModelFile) {
  std::string bytes(8, '\0');
  bytes[0] = static_cast<char>(0xff);  // header length far beyond the file
  bytes[3] = 0x7f;
  const std::string path = write("broken.safetensors", bytes + "{}");
  RunResult r = run_cli("summary " + path);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("broken.safetensors"), std::string::npos) << r.output;
  RunResult p = run_cli("predict " + path + " " + (dir_ / "x.npy").string() + " -o " + (dir_ / "out.npy").string());
  EXPECT_EQ(p.exit_code, 1) << p.output;
  EXPECT_FALSE(fs::exists(dir_ / "out.npy"));
}

TEST_F(CliErrors, GlobalOptionsMayFollowTheSubcommand) {
  // Parsed as global options, the run reaches the model file and names it.
  const std::string missing = (dir_ / "missing.safetensors").string();
  RunResult r = run_cli("summary " + missing + " --threads 1 --seed 3 --log-format text");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("missing.safetensors"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("not expected"), std::string::npos) << r.output;
  // And they are checked there as they are in front.
  RunResult bad = run_cli("summary " + missing + " --threads 0");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("--threads"), std::string::npos) << bad.output;
}

TEST_F(CliErrors, BadFlagIsAUsageError) {
  RunResult r = run_cli("--threads 0 summary x");
  EXPECT_NE(r.exit_code, 0);
  RunResult none = run_cli("");
  EXPECT_NE(none.exit_code, 0);
}

}  // namespace
