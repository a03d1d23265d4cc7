// A credit model reads the rows it scores as its training file was read: the
// delimiter, encoding and missing-value markers travel in the model file. Before,
// predict read every file with the defaults, so a "?" that meant "missing" in
// training was scored as an unseen category, without a word.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "deepfin/core/random.h"
#include "deepfin/data/tabular/csv.h"
#include "deepfin/nn/layers.h"
#include "deepfin/tabular/tabular_model.h"

namespace deepfin {
namespace {

TEST(TabularRowsOptions, ScoringReadsCellsAsTrainingDid) {
  data::CsvOptions csv;
  csv.delimiter = ';';
  csv.missing_values = {"?"};
  std::string text = "income;housing;status\n";
  for (int i = 0; i < 60; ++i)
    text += std::to_string(20 + i) + ";" +
            (i % 7 == 0 ? "?"
             : i % 2    ? "own"
                        : "rent") +
            ";" + (i % 3 ? "good" : "bad") + "\n";
  const data::Table table = data::parse_csv(text, "train.csv", csv);
  data::PreprocessOptions options;
  options.target = "status";
  options.positive_label = "bad";
  set_random_seed(2);
  auto pre = data::TabularPreprocessor::fit(table, options);
  auto model = std::make_shared<models::Sequential>(
      std::vector<std::shared_ptr<nn::Layer>>{layers::Dense(1, {.activation = "sigmoid"})});
  model->build(Shape{pre.num_features()});
  tabular::TabularModel trained(std::move(pre), model);
  trained.set_csv_options(csv);
  const auto dir = std::filesystem::temp_directory_path() / ("deepfin_rows_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  trained.save((dir / "m.safetensors").string());

  std::ofstream((dir / "rows.csv").string()) << "income;housing;status\n25;?;good\n";
  const tabular::TabularModel loaded = tabular::TabularModel::load((dir / "m.safetensors").string());
  EXPECT_EQ(loaded.csv_options().delimiter, ';');
  EXPECT_EQ(loaded.csv_options().missing_values, std::vector<std::string>{"?"});
  const data::Table rows = loaded.read_rows((dir / "rows.csv").string());
  ASSERT_EQ(rows.num_columns(), 3);
  EXPECT_FALSE(rows.column("housing").values[0].has_value());  // missing, as in training
  loaded.predict_proba(rows);
  EXPECT_EQ(loaded.preprocessor().last_unseen_count(), 0);  // not an unseen category "?"
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace deepfin
