// For every built-in layer: a model made of that layer and a Dense head must
// lower its loss over a few training steps. It proves gradients reach the
// layer's weights (or pass through it) inside the real fit() loop.
#include <gtest/gtest.h>

#include "../nn/layer_cases.h"
#include "deepfin/deepfin.h"

namespace deepfin {
namespace {

TEST(LayerTraining, EveryLayerLowersTheLossInAFewSteps) {
  for (const auto& c : testing::layer_cases()) {
    SCOPED_TRACE(c.label);
    nn::clear_session();
    set_random_seed(3);
    auto layer = c.make(DType::float32);
    Sequential model({layer, layers::Flatten(), layers::Dense(1)});
    model.build(c.input);
    model.compile({.optimizer = optim::Adam({.learning_rate = 0.01}), .loss = "mse"});
    Shape x_shape = c.input;
    x_shape.insert(x_shape.begin(), 64);
    Tensor x = rand_uniform(x_shape, -1.0, 1.0);
    Tensor y = rand_uniform({64, 1}, -1.0, 1.0);
    const double before = model.evaluate(x, y, 64).at("loss");
    model.fit(x, y, {.epochs = 20, .batch_size = 16, .verbose = 0});
    const double after = model.evaluate(x, y, 64).at("loss");
    EXPECT_LT(after, before * 0.95) << "loss " << before << " -> " << after;
    // A layer with trainable weights must have moved them.
    if (c.trainable > 0) {
      nn::clear_session();
      set_random_seed(3);
      auto fresh = c.make(DType::float32);
      fresh->build(c.input);
      bool moved = false;
      for (size_t i = 0; i < fresh->weights().size(); ++i)
        if (fresh->weights()[i].trainable &&
            fresh->weights()[i].value.to_vector<float>() != layer->weights()[i].value.to_vector<float>())
          moved = true;
      EXPECT_TRUE(moved) << "no trainable weight of " << c.label << " changed";
    }
  }
}

}  // namespace
}  // namespace deepfin
