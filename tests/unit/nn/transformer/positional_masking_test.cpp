// PositionalEmbedding (learned and sinusoidal) and Masking: values by hand, shapes,
// mask handling, errors, config round trips and float64 gradient checks.
#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/deepfin.h"
#include "deepfin/nn/registry.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::f64;
using testing::gradcheck_layer;
using testing::random_double;

TEST(PositionalEmbedding, SinusoidalTableByHand) {
  const Tensor table = nn::PositionalEmbedding::sinusoidal_table(3, 4, 10000.0, f64);
  // Columns 0, 1 have frequency 1; columns 2, 3 have 1 / 10000^(2/4) = 0.01.
  const std::vector<double> want = {0,
                                    1,
                                    0,
                                    1,
                                    std::sin(1.0),
                                    std::cos(1.0),
                                    std::sin(0.01),
                                    std::cos(0.01),
                                    std::sin(2.0),
                                    std::cos(2.0),
                                    std::sin(0.02),
                                    std::cos(0.02)};
  EXPECT_TRUE(all_close(table, from_vector(want, {3, 4}), 1e-15, 1e-15));
}

TEST(PositionalEmbedding, SinusoidalAddsTheFirstTRows) {
  auto layer = layers::PositionalEmbedding(10, {.kind = "sinusoidal", .dtype = f64});
  Generator gen(1);
  const Tensor x = random_double({2, 4, 6}, gen);
  const Tensor y = layer->call(x);
  EXPECT_EQ(y.shape(), (Shape{2, 4, 6}));
  EXPECT_TRUE(layer->weights().empty());
  const Tensor table = nn::PositionalEmbedding::sinusoidal_table(4, 6, 10000.0, f64);
  EXPECT_TRUE(all_close(y, add(x, table), 1e-15, 0));
}

TEST(PositionalEmbedding, LearnedAddsItsTableAndKeepsTheMask) {
  auto layer = layers::PositionalEmbedding(5, {.dtype = f64});
  layer->build({3, 2});
  ASSERT_EQ(layer->weights().size(), 1u);
  EXPECT_EQ(layer->weights()[0].name, "position_embeddings");
  EXPECT_EQ(layer->weights()[0].value.shape(), (Shape{5, 2}));
  nn::assign_values(layer->weights()[0].value, from_vector(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {5, 2}));
  const Tensor x = zeros({1, 3, 2}, f64);
  EXPECT_EQ(layer->call(x).to_vector<double>(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  const Tensor mask = from_vector(std::vector<double>{1, 1, 0}, {1, 3});
  EXPECT_TRUE(testing::bit_identical(layer->compute_mask(x, mask), mask));
}

TEST(PositionalEmbedding, LongerThanSequenceLengthIsAShapeError) {
  auto layer = layers::PositionalEmbedding(4, {.name = "pos"});
  try {
    layer->call(zeros({1, 5, 3}));
    FAIL() << "no error";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("PositionalEmbedding 'pos': input has 5 steps (shape (5, 3)) but "
                                         "sequence_length is 4"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(layers::PositionalEmbedding(4, {.kind = "rotary"}), ConfigError);
  EXPECT_THROW(layers::PositionalEmbedding(0), ConfigError);
}

TEST(PositionalEmbedding, Gradcheck) {
  Generator gen(2);
  auto learned = layers::PositionalEmbedding(6, {.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*learned, random_double({2, 4, 3}, gen)));
  auto fixed = layers::PositionalEmbedding(6, {.kind = "sinusoidal", .dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*fixed, random_double({2, 4, 3}, gen)));
}

TEST(PositionalEmbedding, ConfigRoundTrip) {
  auto layer = layers::PositionalEmbedding(32, {.kind = "sinusoidal", .max_wavelength = 500.0});
  const nlohmann::json config = nn::serialize(*layer);
  EXPECT_EQ(config["config"]["kind"], "sinusoidal");
  EXPECT_EQ(nn::serialize(*nn::layer_from_config(config)), config);
}

TEST(Masking, MaskAndZeroedOutput) {
  auto layer = layers::Masking(-1.0, {.dtype = f64});
  // Steps: (1, 2) kept, (-1, -1) masked, (-1, 3) kept (one feature differs).
  const Tensor x = from_vector(std::vector<double>{1, 2, -1, -1, -1, 3}, {1, 3, 2});
  EXPECT_EQ(layer->compute_mask(x, {}).to_vector<double>(), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(layer->call(x).to_vector<double>(), (std::vector<double>{1, 2, 0, 0, -1, 3}));
  EXPECT_THROW(layer->call(zeros({2, 3}, f64)), ShapeError);
}

TEST(Masking, GradcheckAndConfig) {
  // Central differences cannot cross the mask's jump, so the check runs on kept
  // steps and the masked step's zero gradient is checked by hand.
  Generator gen(3);
  auto layer = layers::Masking(0.0, {.dtype = f64});
  EXPECT_TRUE(gradcheck_layer(*layer, random_double({2, 3, 2}, gen, 0.5, 1.5)));
  Tensor x = from_vector(std::vector<double>{1, 2, 0, 0, 3, 0}, {1, 3, 2}).set_requires_grad(true);
  sum(layer->call(x)).backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{1, 1, 0, 0, 1, 1}));
  const nlohmann::json config = nn::serialize(*layers::Masking(2.5));
  EXPECT_EQ(config["config"]["mask_value"], 2.5);
  EXPECT_EQ(nn::serialize(*nn::layer_from_config(config)), config);
}

}  // namespace
}  // namespace deepfin
