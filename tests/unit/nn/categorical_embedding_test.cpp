// CategoricalEmbedding: hand-computed forward, output layout, validation errors,
// config and save/load round trips, gradients, and a tiny training run.
#include "deepfin/nn/layers/categorical_embedding.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "deepfin/deepfin.h"
#include "deepfin/nn/registry.h"
#include "deepfin/ops/reductions.h"
#include "deepfin/ops/shape_ops.h"
#include "layer_test_util.h"

namespace deepfin {
namespace {

using nn::CategoricalEmbedding;
using nn::CategoricalSlot;
using testing::all_close;
using testing::f64;
using testing::random_double;

// Input (N, 4): column 1 holds codes of 3 categories (embedded in 2), column 3 codes of 2 (embedded in 1).
std::shared_ptr<CategoricalEmbedding> two_slot_layer(DType dtype = f64) {
  auto layer = layers::CategoricalEmbedding(
      {{.feature = 1, .cardinality = 3, .output_dim = 2}, {.feature = 3, .cardinality = 2, .output_dim = 1}},
      {.dtype = dtype});
  layer->build({4});
  nn::assign_values(layer->weights()[0].value, from_vector(std::vector<double>{10, 11, 20, 21, 30, 31}, {3, 2}));
  nn::assign_values(layer->weights()[1].value, from_vector(std::vector<double>{-1, -2}, {2, 1}));
  return layer;
}

TEST(CategoricalEmbedding, ForwardReplacesCodeColumnsByTableRows) {
  auto layer = two_slot_layer();
  Tensor x = from_vector(std::vector<double>{0.5, 2, 1.5, 1,  //
                                             -3, 0, 7, 0},
                         {2, 4});
  // Numeric columns 0 and 2, then table0[code of column 1], then table1[code of column 3].
  Tensor expected = from_vector(std::vector<double>{0.5, 1.5, 30, 31, -2,  //
                                                    -3, 7, 10, 11, -1},
                                {2, 5});
  EXPECT_TRUE(all_close(layer->call(x), expected, 0, 0));
  // float32 input to a float64 layer is converted, and a strided batch reads the same values.
  EXPECT_TRUE(all_close(layer->call(x.to(DType::float32)), expected, 0, 0));
  Tensor transposed = x.transpose(0, 1).contiguous().transpose(0, 1);
  ASSERT_FALSE(transposed.is_contiguous());
  EXPECT_TRUE(all_close(layer->call(transposed), expected, 0, 0));
}

TEST(CategoricalEmbedding, OnlyCodeColumnsIsJustTheEmbeddings) {
  auto layer = layers::CategoricalEmbedding({{.feature = 0, .cardinality = 2, .output_dim = 3}}, {.dtype = f64});
  layer->build({1});
  nn::assign_values(layer->weights()[0].value, from_vector(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3}));
  Tensor out = layer->call(from_vector(std::vector<double>{1, 0}, {2, 1}));
  EXPECT_TRUE(all_close(out, from_vector(std::vector<double>{4, 5, 6, 1, 2, 3}, {2, 3}), 0, 0));
}

TEST(CategoricalEmbedding, OutputLayoutAndFeatureSources) {
  auto layer = layers::CategoricalEmbedding({{.feature = 3, .cardinality = 4, .output_dim = 2},
                                             {.feature = 0, .cardinality = 10}});  // output_dim 0: default (5)
  EXPECT_EQ(layer->slots()[1].output_dim, 5);
  EXPECT_EQ(layer->compute_output_shape({5}), Shape({3 + 2 + 5}));
  EXPECT_EQ(layer->output_feature_source(5), (std::vector<int64_t>{1, 2, 4, 3, 3, 0, 0, 0, 0, 0}));
  layer->build({5});
  ASSERT_EQ(layer->weights().size(), 2u);
  EXPECT_EQ(layer->weights()[0].name, "embeddings_3");
  EXPECT_EQ(layer->weights()[0].value.shape(), Shape({4, 2}));
  EXPECT_EQ(layer->weights()[1].name, "embeddings_0");
  EXPECT_EQ(layer->weights()[1].value.shape(), Shape({10, 5}));
  EXPECT_EQ(layer->count_params(), 4 * 2 + 10 * 5);
}

TEST(CategoricalEmbedding, DefaultOutputDimIsHalfTheCategoriesCappedAt16) {
  EXPECT_EQ(CategoricalEmbedding::default_output_dim(1), 1);
  EXPECT_EQ(CategoricalEmbedding::default_output_dim(2), 1);
  EXPECT_EQ(CategoricalEmbedding::default_output_dim(3), 2);
  EXPECT_EQ(CategoricalEmbedding::default_output_dim(10), 5);
  EXPECT_EQ(CategoricalEmbedding::default_output_dim(31), 16);
  EXPECT_EQ(CategoricalEmbedding::default_output_dim(33), 16);
  EXPECT_EQ(CategoricalEmbedding::default_output_dim(1000), 16);
}

TEST(CategoricalEmbedding, TablesStartUniformInKerasRange) {
  set_random_seed(11);
  auto layer = layers::CategoricalEmbedding({{.feature = 0, .cardinality = 50, .output_dim = 8}});
  layer->build({2});
  const auto v = layer->weights()[0].value.to_vector<float>();
  float lo = 1, hi = -1;
  for (float e : v) lo = std::min(lo, e), hi = std::max(hi, e);
  EXPECT_GE(lo, -0.05f);
  EXPECT_LE(hi, 0.05f);
  EXPECT_LT(lo, -0.04f);  // 400 draws span nearly the whole range
  EXPECT_GT(hi, 0.04f);
}

TEST(CategoricalEmbedding, BadCodesNameLayerColumnRowAndValue) {
  auto layer = two_slot_layer();
  auto with_code = [](double code) { return from_vector(std::vector<double>{0, 1, 0, 0, 0, code, 0, 1}, {2, 4}); };
  const std::string name = layer->name();
  for (double bad : {2.5, -1.0, 3.0}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW_WITH(layer->call(with_code(bad)), ValueError, name);
    EXPECT_THROW_WITH(layer->call(with_code(bad)), ValueError, "feature column 1, row 1");
    EXPECT_THROW_WITH(layer->call(with_code(bad)), ValueError, fmt::format("code {} ", bad));
  }
  EXPECT_THROW_WITH(layer->call(with_code(std::nan(""))), ValueError, "code nan");
  EXPECT_THROW_WITH(layer->call(with_code(std::numeric_limits<double>::infinity())), ValueError, "code inf");
  // Column 3 has cardinality 2: code 2 is out of range there.
  EXPECT_THROW_WITH(layer->call(from_vector(std::vector<double>{0, 1, 0, 2}, {1, 4})), ValueError,
                    "feature column 3, row 0: code 2 is not an integer in [0, 2)");
}

TEST(CategoricalEmbedding, BadSlotsAreConfigErrors) {
  using Slots = std::vector<CategoricalSlot>;
  EXPECT_THROW_WITH(CategoricalEmbedding(Slots{}), ConfigError, "at least one slot");
  EXPECT_THROW_WITH(CategoricalEmbedding(Slots{{.feature = 2, .cardinality = 3}, {.feature = 2, .cardinality = 4}}),
                    ConfigError, "feature column 2 is given in two slots");
  EXPECT_THROW_WITH(CategoricalEmbedding(Slots{{.feature = 1, .cardinality = 0}}), ConfigError,
                    "feature column 1: cardinality must be >= 1, got 0");
  EXPECT_THROW_WITH(CategoricalEmbedding(Slots{{.feature = -1, .cardinality = 3}}), ConfigError, "got -1");
  EXPECT_THROW_WITH(CategoricalEmbedding(Slots{{.feature = 0, .cardinality = 3, .output_dim = -2}}), ConfigError,
                    "output_dim must be >= 0");
  EXPECT_THROW_WITH(CategoricalEmbedding(Slots{{.feature = 0, .cardinality = 3}}, {.embeddings_initializer = "nope"}),
                    ConfigError, "nope");
  // Out of range only shows once the input width is known: at build time.
  CategoricalEmbedding wide(Slots{{.feature = 5, .cardinality = 3}}, {.name = "cats"});
  EXPECT_THROW_WITH(wide.build({5}), ConfigError, "'cats': slot feature column 5 is out of range for an input of 5");
  EXPECT_THROW_WITH(wide.call(zeros({2, 3})), ConfigError, "column 5");
  EXPECT_THROW_WITH(wide.build({2, 6}), ShapeError, "(batch, features)");
  EXPECT_THROW_WITH(nn::layer_from_config({{"class_name", "CategoricalEmbedding"}, {"config", {{"name", "x"}}}}),
                    ConfigError, "slots");
}

TEST(CategoricalEmbedding, ConfigRoundTripGivesTheSameOutput) {
  auto layer = two_slot_layer(DType::float32);
  auto rebuilt = nn::layer_from_config(nn::serialize(*layer));
  EXPECT_EQ(rebuilt->class_name(), "CategoricalEmbedding");
  EXPECT_EQ(rebuilt->get_config(), layer->get_config());
  EXPECT_EQ(layer->get_config()["slots"][1]["output_dim"], 1);
  Tensor x = from_vector(std::vector<float>{0.5f, 2, 1.5f, 1, -3, 0, 7, 0}, {2, 4});
  rebuilt->build({4});
  testing::copy_weights(*layer, *rebuilt);
  EXPECT_TRUE(testing::bit_identical(rebuilt->call(x), layer->call(x)));
}

TEST(CategoricalEmbedding, GradientsCountCodesAndSkipCodeColumns) {
  auto layer = two_slot_layer();
  Tensor x = from_vector(std::vector<double>{0.5, 2, 1.5, 1, -3, 0, 7, 0, 4, 2, 1, 1}, {3, 4});
  x.set_requires_grad(true);
  sum(layer->call(x)).backward();
  // d sum / d x: 1 for numeric columns, 0 for code columns.
  EXPECT_TRUE(all_close(x.grad(), from_vector(std::vector<double>{1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, {3, 4}), 0, 0));
  // d sum / d table row r: how many rows hold code r (column 1: codes 2, 0, 2; column 3: 1, 0, 1).
  EXPECT_TRUE(
      all_close(layer->weights()[0].value.grad(), from_vector(std::vector<double>{1, 1, 0, 0, 2, 2}, {3, 2}), 0, 0));
  EXPECT_TRUE(all_close(layer->weights()[1].value.grad(), from_vector(std::vector<double>{1, 2}, {2, 1}), 0, 0));
}

TEST(CategoricalEmbedding, Float64GradcheckOfTablesAndNumericColumns) {
  Generator gen(9);
  auto layer = two_slot_layer();
  const Tensor codes1 = from_vector(std::vector<double>{2, 0, 1, 2}, {4, 1});
  const Tensor codes3 = from_vector(std::vector<double>{1, 1, 0, 0}, {4, 1});
  // Inputs: the two numeric columns (as one strided view), then both tables. Codes stay fixed integers.
  auto f = [&](const std::vector<Tensor>& in) {
    layer->weights()[0].value = in[1];
    layer->weights()[1].value = in[2];
    Tensor x = concat({in[0].slice(1, 0, 1), codes1, in[0].slice(1, 1, 2), codes3}, 1);
    return layer->call(x);
  };
  EXPECT_TRUE(testing::gradcheck(
      f, {random_double({4, 4}, gen).slice(1, 0, 4, 2), random_double({3, 2}, gen), random_double({2, 1}, gen)}));
}

// Label depends only on the category: codes 1 and 3 of a 5-code column are positive.
TEST(CategoricalEmbedding, SequentialLearnsALabelCarriedByTheCategory) {
  Generator gen(21);
  const int64_t n = 120;
  std::vector<float> x(n * 2), y(n);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t code = 1 + static_cast<int64_t>(gen.below(4));
    x[i * 2] = static_cast<float>(gen.normal(0.0, 1.0));  // noise
    x[i * 2 + 1] = static_cast<float>(code);
    y[i] = (code == 1 || code == 3) ? 1.f : 0.f;
  }
  Tensor xs = from_vector(x, {n, 2}), ys = from_vector(y, {n, 1});
  set_random_seed(21);
  Sequential model(
      {layers::CategoricalEmbedding({{.feature = 1, .cardinality = 5, .output_dim = 3}}, {.input_shape = {2}}),
       layers::Dense(8, {.activation = "relu"}), layers::Dense(1, {.activation = "sigmoid"})});
  model.compile(
      {.optimizer = optim::Adam({.learning_rate = 0.05}), .loss = "binary_crossentropy", .metrics = {"accuracy"}});
  model.fit(xs, ys, {.epochs = 15, .batch_size = 20, .verbose = 0});
  EXPECT_GT(model.evaluate(xs, ys).at("accuracy"), 0.95);
}

TEST(CategoricalEmbedding, SaveAndLoadPredictBitIdentically) {
  set_random_seed(5);
  Tensor x = from_vector(std::vector<float>{0.1f, 1, 3, -1, 2, 0, 0.5f, 0, 1, 2, 1, 2}, {4, 3});
  Tensor y = from_vector(std::vector<float>{1, 0, 1, 0}, {4, 1});
  Sequential model({layers::CategoricalEmbedding({{.feature = 1, .cardinality = 3}, {.feature = 2, .cardinality = 4}},
                                                 {.input_shape = {3}}),
                    layers::Dense(1, {.activation = "sigmoid"})});
  model.compile({.optimizer = "adam", .loss = "binary_crossentropy"});
  model.fit(x, y, {.epochs = 2, .batch_size = 2, .verbose = 0});
  const std::string path =
      (std::filesystem::temp_directory_path() / fmt::format("deepfin_catemb_{}.safetensors", ::getpid())).string();
  model.save(path);
  auto loaded = load_model(path);
  std::filesystem::remove(path);
  EXPECT_EQ(loaded->get_config(), model.get_config());
  EXPECT_EQ(loaded->layers()[0]->class_name(), "CategoricalEmbedding");
  EXPECT_TRUE(testing::bit_identical(loaded->predict(x), model.predict(x)));
}

}  // namespace
}  // namespace deepfin
