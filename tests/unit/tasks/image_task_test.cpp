// The array task from C++ with no job file and no CLI: an .npy pair split with
// the seed, the model built from its layer tree, fit with the test part as
// validation, and the test metrics.
#include "deepfin/tasks/image_task.h"

#include <gtest/gtest.h>

#include <random>

#include "deepfin/base/error.h"
#include "deepfin/core/random.h"
#include "deepfin/data/categorical.h"
#include "deepfin/io/npy.h"
#include "task_test_files.h"

namespace deepfin::tasks {
namespace {

class ImageTaskApi : public testing::TaskFiles {
 protected:
  JobSpec job() const {
    std::mt19937 gen(4);
    std::normal_distribution<float> normal(0.f, 1.f);
    std::vector<float> x(400 * 6);
    std::vector<int64_t> y(400);
    for (int i = 0; i < 400; ++i) {
      float sum = 0;
      for (int j = 0; j < 6; ++j) sum += (x[i * 6 + j] = normal(gen));
      y[i] = sum > 0 ? 1 : 0;
    }
    io::save_npy(path("x.npy"), from_vector(x, {400, 6}));
    io::save_npy(path("y.npy"), from_vector(y, {400}));
    JobSpec job;
    job.file = "arrays_in_code";
    job.data.source = "npy";
    job.data.x = path("x.npy");
    job.data.y = path("y.npy");
    job.model = {{"class_name", "Sequential"},
                 {"config",
                  {{"layers",
                    {{{"class_name", "Dense"}, {"config", {{"units", 8}, {"activation", "relu"}}}},
                     {{"class_name", "Dense"}, {"config", {{"units", 2}, {"activation", "softmax"}}}}}}}}};
    job.compile = {{"optimizer", {{"class_name", "Adam"}, {"config", {{"learning_rate", 0.02}}}}},
                   {"loss", "categorical_crossentropy"},
                   {"metrics", {"accuracy"}}};
    job.fit.epochs = 10;
    job.fit.verbose = 0;
    return job;
  }
};

TEST_F(ImageTaskApi, SplitsFitsAndEvaluates) {
  const ImageTask task(job());
  set_random_seed(5);
  const data::Dataset data = task.load_data(5);
  EXPECT_EQ(data.x_train.size(0), 320);
  EXPECT_EQ(data.y_test.shape(), (Shape{80, 2}));  // one-hot on load
  auto model = task.build_model(data);
  const train::History h = task.fit(*model, data);
  EXPECT_EQ(h.history.at("val_accuracy").size(), 10u);  // validated on the test part by default
  const ImageEvaluation test = task.evaluate(*model, data);
  EXPECT_GT(test.predict_accuracy, 0.85);
  EXPECT_NEAR(test.logs.at("accuracy"), test.predict_accuracy, 1e-9);
}

TEST_F(ImageTaskApi, BalancedWeightsReadOneHotLabels) {
  EXPECT_EQ(class_ids(data::to_categorical(from_vector(std::vector<int64_t>{2, 0, 1, 2}, {4}))),
            (std::vector<int64_t>{2, 0, 1, 2}));
  // 0/1 targets of a sigmoid output, (N, 1) floats: read as fit() reads them, not all as class 0.
  EXPECT_EQ(class_ids(from_vector(std::vector<float>{0, 1, 1}, {3, 1})), (std::vector<int64_t>{0, 1, 1}));
  JobSpec spec = job();
  spec.fit.balanced_class_weight = true;
  spec.fit.validation = FitSpec::Validation::none;
  spec.fit.epochs = 1;
  const ImageTask task(spec);
  const data::Dataset data = task.load_data(5);
  auto model = task.build_model(data);
  const train::History h = task.fit(*model, data);
  EXPECT_EQ(h.history.count("val_loss"), 0u);
}

TEST_F(ImageTaskApi, RefusesTableData) {
  JobSpec spec = job();
  spec.data.source = "csv";
  EXPECT_THROW(ImageTask{spec}, ConfigError);
}

}  // namespace
}  // namespace deepfin::tasks
