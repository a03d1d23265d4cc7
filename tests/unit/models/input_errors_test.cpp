// Bad input to compile/fit/evaluate/predict gives clear, typed errors.
#include <gtest/gtest.h>

#include <limits>

#include "model_test_util.h"

namespace deepfin {
namespace {

Sequential small_model() {
  return Sequential({layers::Dense(3, {.input_shape = {4}}), layers::Dense(2, {.activation = "softmax"})});
}

TEST(ModelErrors, LabelCountMustMatchSampleCount) {
  Sequential model = small_model();
  model.compile({.optimizer = "sgd", .loss = "categorical_crossentropy"});
  try {
    model.fit(zeros({10, 4}), zeros({9, 2}), {.verbose = 0});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("x has 10 samples but y has 9"), std::string::npos) << msg;
  }
  EXPECT_THROW_WITH(model.evaluate(zeros({3, 4}), zeros({4, 2})), ShapeError, "evaluate");
}

TEST(ModelErrors, InputShapeMustMatchTheModel) {
  Sequential model = small_model();
  model.compile({.optimizer = "sgd", .loss = "mse"});
  try {
    model.fit(zeros({10, 5}), zeros({10, 2}), {.verbose = 0});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("expects input shape (4,)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(10, 5)"), std::string::npos) << msg;
  }
  EXPECT_THROW_WITH(model.predict(zeros({2, 3})), ShapeError, "predict");
  EXPECT_THROW_WITH(
      model.fit(zeros({4, 4}), zeros({4, 2}), {.validation_data = {{zeros({2, 3}), zeros({2, 2})}}, .verbose = 0}),
      ShapeError, "validation");
}

TEST(ModelErrors, NaNAndInfAreReportedWithTheArrayAndIndex) {
  Sequential model = small_model();
  model.compile({.optimizer = "sgd", .loss = "mse"});
  Tensor x = zeros({5, 4});
  x.set({1, 3}, std::numeric_limits<double>::quiet_NaN());
  EXPECT_THROW_WITH(model.fit(x, zeros({5, 2}), {.verbose = 0}), ValueError,
                    "x contains NaN at flat index 7 (sample 1)");
  Tensor y = zeros({5, 2});
  y.set({4, 0}, std::numeric_limits<double>::infinity());
  EXPECT_THROW_WITH(model.fit(zeros({5, 4}), y, {.verbose = 0}), ValueError, "y contains Inf at flat index 8");
  EXPECT_THROW_WITH(model.predict(x), ValueError, "x contains NaN");
}

TEST(ModelErrors, CompileProblems) {
  Sequential model = small_model();
  EXPECT_THROW_WITH(model.fit(zeros({2, 4}), zeros({2, 2}), {.verbose = 0}), ValueError, "compile");
  EXPECT_THROW_WITH(model.compile({.optimizer = "adam"}), ValueError, "loss");
  EXPECT_THROW(model.compile({.optimizer = "adamax2", .loss = "mse"}), ConfigError);
  EXPECT_THROW(model.compile({.optimizer = "adam", .loss = "msee"}), ConfigError);
  model.compile({.optimizer = "adam", .loss = "mse", .metrics = {"accuracyy"}});
  EXPECT_THROW(model.evaluate(zeros({2, 4}), zeros({2, 2})), ConfigError);
  EXPECT_THROW_WITH(model.optimizer(); Sequential({layers::Dense(1)}).optimizer(), ValueError, "compile");
}

TEST(ModelErrors, Float64ModelsPredictButDoNotTrain) {
  Sequential model({layers::Dense(2, {.input_shape = {3}, .dtype = DType::float64})});
  EXPECT_EQ(model.predict(zeros({4, 3}, DType::float64)).dtype(), DType::float64);
  model.compile({.optimizer = "sgd", .loss = "mse"});
  EXPECT_THROW_WITH(model.fit(zeros({4, 3}, DType::float64), zeros({4, 2}, DType::float64), {.verbose = 0}), DTypeError,
                    "float32");
}

}  // namespace
}  // namespace deepfin
