// The seed CNN, trained for real: 1 epoch on a 6,000-image Fashion-MNIST subset
// must reach >= 0.75 test accuracy with a fixed seed. Needs the Debian package
// dataset-fashion-mnist, which scripts/setup.sh installs.
#include <gtest/gtest.h>

#include "deepfin/data/fashion_mnist.h"
#include "deepfin/deepfin.h"

namespace deepfin {
namespace {

TEST(SeedCnn, OneEpochOnSixThousandImagesReachesThreeQuarters) {
  set_random_seed(42);
  auto [x_train, y_train, x_test, y_test] = data::load_fashion_mnist({.limit_train = 6000, .limit_test = 2000});
  Sequential model({
      layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}),
      layers::MaxPooling2D({2, 2}),
      layers::Flatten(),
      layers::Dense(10, {.activation = "softmax"}),
  });
  model.compile({.optimizer = optim::Adam({.learning_rate = 0.001}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  History h = model.fit(x_train, y_train, {.epochs = 1, .batch_size = 32, .verbose = 0});
  ASSERT_EQ(h.history.at("loss").size(), 1u);

  const Tensor probs = model.predict(x_test);
  ASSERT_EQ(probs.shape(), (Shape{2000, 10}));
  const auto predicted = argmax(probs, -1).to_vector<int64_t>();
  const auto truth = argmax(y_test, -1).to_vector<int64_t>();
  int64_t hits = 0;
  for (size_t i = 0; i < predicted.size(); ++i) hits += predicted[i] == truth[i];
  const double accuracy = static_cast<double>(hits) / static_cast<double>(predicted.size());
  EXPECT_GE(accuracy, 0.75);
  // evaluate() must agree with the accuracy computed from predict().
  EXPECT_NEAR(model.evaluate(x_test, y_test).at("accuracy"), accuracy, 1e-9);
}

}  // namespace
}  // namespace deepfin
