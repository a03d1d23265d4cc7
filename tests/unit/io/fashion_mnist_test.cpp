// Fashion-MNIST from the Debian package; skipped where the package is absent.
#include "deepfin/data/fashion_mnist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "io_test_util.h"

namespace deepfin {
namespace {

using testing::TempDir;
using testing::throws_with;

const std::string kDir = data::FashionMnistOptions{}.dir;

TEST(FashionMnist, LimitedLoadHasKerasShapesAndRanges) {
  if (!std::filesystem::exists(kDir)) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  auto [x_train, y_train, x_test, y_test] = data::load_fashion_mnist({.limit_train = 100, .limit_test = 50});
  EXPECT_EQ(x_train.shape(), (Shape{100, 28, 28, 1}));
  EXPECT_EQ(y_train.shape(), (Shape{100, 10}));
  EXPECT_EQ(x_test.shape(), (Shape{50, 28, 28, 1}));
  EXPECT_EQ(y_test.shape(), (Shape{50, 10}));
  EXPECT_EQ(x_train.dtype(), DType::float32);
  EXPECT_EQ(y_train.dtype(), DType::float32);

  const std::vector<float> pixels = x_train.to_vector<float>();
  const auto [lo, hi] = std::minmax_element(pixels.begin(), pixels.end());
  EXPECT_EQ(*lo, 0.0f);
  EXPECT_LE(*hi, 1.0f);
  EXPECT_GT(*hi, 0.9f);  // real images reach near-white
  // Every pixel is k/255 for an integer k.
  for (float p : pixels) ASSERT_NEAR(p * 255.0f, std::round(p * 255.0f), 1e-3);

  // One-hot rows, and more than one class among 100 samples.
  const std::vector<float> onehot = y_train.to_vector<float>();
  std::vector<int> seen(10, 0);
  for (int i = 0; i < 100; ++i) {
    float sum = 0;
    for (int c = 0; c < 10; ++c) {
      sum += onehot[i * 10 + c];
      if (onehot[i * 10 + c] == 1.0f) seen[c] = 1;
    }
    ASSERT_EQ(sum, 1.0f);
  }
  EXPECT_GE(std::count(seen.begin(), seen.end(), 1), 5);
}

TEST(FashionMnist, RawOptionsGiveIntLabelsAndByteValues) {
  if (!std::filesystem::exists(kDir)) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const data::Dataset raw =
      data::load_fashion_mnist({.one_hot = false, .normalize = false, .limit_train = 20, .limit_test = 20});
  const data::Dataset onehot = data::load_fashion_mnist({.limit_train = 20, .limit_test = 20});
  EXPECT_EQ(raw.y_train.dtype(), DType::int64);
  EXPECT_EQ(raw.y_train.shape(), (Shape{20}));
  const std::vector<int64_t> labels = raw.y_test.to_vector<int64_t>();
  for (int64_t i = 0; i < 20; ++i) {
    ASSERT_GE(labels[i], 0);
    ASSERT_LT(labels[i], 10);
    EXPECT_EQ(onehot.y_test.at({i, labels[i]}), 1.0);
  }
  const std::vector<float> bytes = raw.x_train.to_vector<float>();
  const std::vector<float> scaled = onehot.x_train.to_vector<float>();
  EXPECT_GT(*std::max_element(bytes.begin(), bytes.end()), 200.0f);
  for (size_t i = 0; i < bytes.size(); ++i) ASSERT_FLOAT_EQ(scaled[i], bytes[i] / 255.0f);
}

TEST(FashionMnist, MissingDirectoryOrFileSaysHowToInstall) {
  TempDir dir;
  const std::string missing = dir.file("not-here");
  EXPECT_TRUE(
      throws_with<NotFoundError>([&] { data::load_fashion_mnist({.dir = missing}); },
                                 {"Fashion-MNIST not found at " + missing, "apt-get install dataset-fashion-mnist"}));
  // The directory exists but is empty: the message names the first missing file.
  EXPECT_TRUE(throws_with<NotFoundError>([&] { data::load_fashion_mnist({.dir = dir.path().string()}); },
                                         {dir.file("train-images-idx3-ubyte.gz"), "dataset-fashion-mnist"}));
}

}  // namespace
}  // namespace deepfin
