// Sizes and keys in a layer's config come from job and model files: a typo'd key,
// a fractional count or a size beyond memory must be an error naming the layer,
// before anything is allocated.
#include <gtest/gtest.h>

#include "deepfin/base/error.h"
#include "deepfin/models/model.h"
#include "deepfin/models/sequential.h"
#include "deepfin/nn/registry.h"
#include "deepfin/nn/weight_budget.h"
#include "testing/error_message.h"

namespace deepfin {
namespace {

TEST(LayerConfigChecks, AnUnknownKeyIsNamedWithTheKnownOnes) {
  const std::string e = deepfin::testing::error_message([] {
    nn::layer_from_config({{"class_name", "Dense"}, {"config", {{"units", 4}, {"activaton", "relu"}}}});
  });
  EXPECT_NE(e.find("unknown config key 'activaton'"), std::string::npos) << e;
  EXPECT_NE(e.find("activation"), std::string::npos) << e;
}

TEST(LayerConfigChecks, ANumberTheLayerCannotTakeAsGivenIsRefused) {
  const std::string e = deepfin::testing::error_message([] {
    nn::layer_from_config({{"class_name", "Dense"}, {"config", {{"units", 2.5}}}});
  });
  EXPECT_NE(e.find("Dense: config key 'units' must be a whole number (got 2.5)"), std::string::npos) << e;
  // A scalar for a list the layer keeps, a fraction hidden in a large count, a number out of int64's range.
  const std::string kernel = deepfin::testing::error_message([] {
    nn::layer_from_config({{"class_name", "Conv1D"}, {"config", {{"filters", 2}, {"kernel_size", 2.5}}}});
  });
  EXPECT_NE(kernel.find("kernel_size = 2.5 must be a whole number"), std::string::npos) << kernel;
  EXPECT_NE(deepfin::testing::error_message([] {
              nn::layer_from_config({{"class_name", "Dense"}, {"config", {{"units", 1000000.5}}}});
            }).find("must be a whole number"),
            std::string::npos);
  EXPECT_NE(deepfin::testing::error_message([] {
              nn::layer_from_config({{"class_name", "Dense"}, {"config", {{"units", 1e20}}}});
            }).find("units = 1e+20 is out of range"),
            std::string::npos);
  // null sets nothing, as Keras writes it.
  EXPECT_TRUE(nn::layer_from_config({{"class_name", "Embedding"},
                                     {"config", {{"input_dim", 10}, {"output_dim", 4}, {"input_length", nullptr}}}}) !=
              nullptr);
  // The common keys and every key get_config names are accepted.
  auto layer = nn::layer_from_config({{"class_name", "Dense"},
                                      {"config",
                                       {{"units", 3},
                                        {"activation", "relu"},
                                        {"name", "d"},
                                        {"input_shape", {5}},
                                        {"trainable", true},
                                        {"use_bias", false}}}});
  EXPECT_EQ(layer->name(), "d");
  EXPECT_TRUE(nn::layer_from_config(nn::serialize(*layer)) != nullptr);  // its own config round-trips
}

TEST(LayerConfigChecks, SequentialConfigKeysAreChecked) {
  const std::string e = deepfin::testing::error_message([] {
    models::Sequential::from_config({{"layer", nlohmann::json::array()}});
  });
  EXPECT_NE(e.find("unknown config key 'layer'"), std::string::npos) << e;
}

TEST(WeightBudget, AWeightBeyondTheLimitIsRefusedBeforeAllocating) {
  const auto dense = [](int64_t units) {
    return nlohmann::json{
        {"layers", {{{"class_name", "Dense"}, {"config", {{"units", units}, {"input_shape", {28}}}}}}}};
  };
  const std::string e = deepfin::testing::error_message([&] { models::Sequential::from_config(dense(2147483648LL)); });
  EXPECT_NE(e.find("Dense"), std::string::npos) << e;
  EXPECT_NE(e.find("weight 'kernel' of shape (28, 2147483648) would take 224.0 GiB"), std::string::npos) << e;
  const std::string overflow =
      deepfin::testing::error_message([&] { models::Sequential::from_config(dense(4611686018427387904LL)); });
  EXPECT_NE(overflow.find("more than 2^63 bytes"), std::string::npos) << overflow;
}

TEST(WeightBudget, AScopeBoundsTheTotalOfAllWeights) {
  nn::WeightBudgetScope scope(1000, "test budget");
  const std::string e = deepfin::testing::error_message([] {
    models::Sequential::from_config(
        {{"layers",
          {{{"class_name", "Dense"}, {"config", {{"units", 10}, {"input_shape", {10}}}}},  // 440 bytes
           {{"class_name", "Dense"}, {"config", {{"units", 20}}}}}}});                     // 880 more
  });
  EXPECT_NE(e.find("more than is left of the model's budget (560 bytes; test budget)"), std::string::npos) << e;
}

}  // namespace
}  // namespace deepfin
