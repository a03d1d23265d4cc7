#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "deepfin/train/train.h"
#include "fake_model.h"

namespace deepfin {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("deepfin_e2_" + std::to_string(::getpid()) + "_" + name)).string();
}

void run_csv(train::CSVLogger& csv, const std::vector<train::Logs>& epochs) {
  csv.on_train_begin({});
  for (size_t e = 0; e < epochs.size(); ++e) {
    train::Logs logs = epochs[e];
    csv.on_epoch_end(static_cast<int>(e), logs);
  }
  csv.on_train_end({});
}

TEST(CSVLogger, WritesHeaderAndRowsAndAppends) {
  const std::string path = temp_path("log.csv");
  {
    train::CSVLogger csv(path);
    run_csv(csv, {{{"loss", 0.5}, {"val_loss", 0.75}}, {{"loss", 0.25}}});
  }
  EXPECT_EQ(read_file(path), "epoch,loss,val_loss\n0,0.5,0.75\n1,0.25,NA\n");
  {
    train::CSVLogger csv(path, ';', /*append=*/true);
    run_csv(csv, {{{"loss", 0.125}, {"val_loss", 1.0}}});
  }
  EXPECT_EQ(read_file(path), "epoch,loss,val_loss\n0,0.5,0.75\n1,0.25,NA\n0;0.125;1\n");
  {
    train::CSVLogger csv(path);  // append = false truncates
    run_csv(csv, {{{"acc", 0.5}}});
  }
  EXPECT_EQ(read_file(path), "epoch,acc\n0,0.5\n");
  std::filesystem::remove(path);
}

TEST(CSVLogger, UnwritablePathIsFileError) {
  train::CSVLogger csv("/nonexistent-dir-deepfin/log.csv");
  try {
    csv.on_train_begin({});
    FAIL();
  } catch (const FileError& e) {
    EXPECT_NE(std::string(e.what()).find("CSVLogger"), std::string::npos);
  }
}

void run_progbar(train::ProgbarLogger& bar, int verbose, int epochs, int64_t steps) {
  bar.set_params({.epochs = epochs,
                  .steps = steps,
                  .verbose = verbose,
                  .metrics = {"loss", "accuracy", "val_loss", "val_accuracy"}});
  bar.on_train_begin({});
  for (int e = 0; e < epochs; ++e) {
    bar.on_epoch_begin(e, {});
    for (int64_t b = 0; b < steps; ++b) bar.on_train_batch_end(b, {{"loss", 0.5}, {"accuracy", 0.8125}});
    train::Logs logs{{"loss", 0.5}, {"accuracy", 0.8125}, {"val_loss", 0.625}, {"val_accuracy", 0.75}};
    bar.on_epoch_end(e, logs);
  }
}

TEST(ProgbarLogger, NonTerminalPrintsExactlyOneLinePerEpoch) {
  for (int verbose : {1, 2}) {
    std::ostringstream out;
    train::ProgbarLogger bar(out, /*is_terminal=*/false);
    run_progbar(bar, verbose, 3, 5);
    const std::string s = out.str();
    EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 3) << s;
    EXPECT_EQ(s.find('\r'), std::string::npos);
    std::istringstream lines(s);
    std::string line;
    for (int e = 1; std::getline(lines, line); ++e) {
      EXPECT_EQ(line.rfind("Epoch " + std::to_string(e) + "/3 - ", 0), 0u) << line;
      EXPECT_NE(line.find("s - loss: 0.5000 - accuracy: 0.8125 - val_loss: 0.6250 - val_accuracy: 0.7500"),
                std::string::npos)
          << line;
    }
  }
}

TEST(ProgbarLogger, TerminalDrawsALiveBarAndAFinalLine) {
  std::ostringstream out;
  train::ProgbarLogger bar(out, /*is_terminal=*/true);
  run_progbar(bar, 1, 1, 4);
  const std::string s = out.str();
  EXPECT_EQ(s.rfind("Epoch 1/1\n", 0), 0u) << s;
  EXPECT_NE(s.find("\r1/4 [======>.......................] - ETA: "), std::string::npos) << s;
  EXPECT_NE(s.find("\r4/4 [==============================] - "), std::string::npos) << s;
  EXPECT_NE(s.find("/step - loss: 0.5000 - accuracy: 0.8125 - val_loss: 0.6250"), std::string::npos) << s;
  EXPECT_EQ(s.back(), '\n');
}

TEST(ProgbarLogger, SilentAtVerboseZero) {
  std::ostringstream out;
  train::ProgbarLogger bar(out, true);
  run_progbar(bar, 0, 2, 3);
  EXPECT_TRUE(out.str().empty());
}

TEST(ProgbarLogger, DurationFormats) {
  EXPECT_EQ(train::format_duration(12.4), "12s");
  EXPECT_EQ(train::format_duration(0.0081), "8ms");
  EXPECT_EQ(train::format_duration(2.5e-5), "25us");
  EXPECT_EQ(train::format_eta(3725), "1:02:05");
  EXPECT_EQ(train::format_eta(125), "2:05");
  EXPECT_EQ(train::format_eta(7), "7s");
}

TEST(CallbackList, CallsEachCallbackInOrderAndSeesEarlierLogChanges) {
  struct Recorder : train::Callback {
    std::vector<std::string>* events;
    std::string tag;
    Recorder(std::vector<std::string>* e, std::string t) : events(e), tag(std::move(t)) {}
    void on_epoch_end(int, train::Logs& logs) override {
      events->push_back(tag + (logs.count("learning_rate") ? "+lr" : ""));
    }
  };
  std::vector<std::string> events;
  testing::FakeModel model;
  train::CallbackList list;
  list.append(std::make_shared<Recorder>(&events, "a"));
  list.append(std::make_shared<train::ReduceLROnPlateau>());
  list.append(std::make_shared<Recorder>(&events, "b"));
  list.set_model(&model);
  train::Logs logs{{"val_loss", 1.0}};
  list.on_epoch_end(0, logs);
  EXPECT_EQ(events, (std::vector<std::string>{"a", "b+lr"}));
}

}  // namespace
}  // namespace deepfin
