// Masks through layers: masked global 1-D pooling by hand and by gradcheck, and
// padded sequences through Sequential (Embedding(mask_zero) or Masking, then LSTM or
// pooling) giving the same result as the unpadded sequence.
#include <gtest/gtest.h>

#include "deepfin/deepfin.h"
#include "unit/nn/layer_test_util.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::random_double;
using L = std::vector<std::shared_ptr<nn::Layer>>;
using testing::f64;

// x (2, 3, 2): row 0 steps (1, -2), (5, -4), (3, 0); row 1 steps (2, 2), (-1, 7), (4, -3).
Tensor two_rows() {
  return from_vector(std::vector<double>{1, -2, 5, -4, 3, 0, 2, 2, -1, 7, 4, -3}, {2, 3, 2});
}

// Runs a layer with a mask through the public Keras entry point.
Tensor pool(nn::Layer& layer, const Tensor& x, const std::vector<double>& mask) {
  return layer.call_masked(x, from_vector(mask, {x.size(0), x.size(1)}));
}

TEST(MaskedPooling, AverageCountsOnlyKeptSteps) {
  auto avg = layers::GlobalAveragePooling1D({.dtype = f64});
  // Row 0 keeps steps 0 and 2: ((1 + 3) / 2, (-2 + 0) / 2); row 1 keeps step 1 only.
  EXPECT_EQ(pool(*avg, two_rows(), {1, 0, 1, 0, 1, 0}).to_vector<double>(), (std::vector<double>{2, -1, -1, 7}));
  // A fully masked row pools to 0; no mask = plain mean.
  EXPECT_EQ(pool(*avg, two_rows(), {0, 0, 0, 1, 1, 1}).to_vector<double>(), (std::vector<double>{0, 0, 5.0 / 3, 2}));
  auto keep = layers::GlobalAveragePooling1D({.keepdims = true, .dtype = f64});
  EXPECT_EQ(pool(*keep, two_rows(), {1, 0, 1, 0, 1, 0}).shape(), (Shape{2, 1, 2}));
}

TEST(MaskedPooling, MaxIgnoresMaskedSteps) {
  auto mx = layers::GlobalMaxPooling1D({.dtype = f64});
  // Row 0 without step 1 (the 5): max(1, 3) = 3, max(-2, 0) = 0; row 1 keeps steps 0, 2.
  EXPECT_EQ(pool(*mx, two_rows(), {1, 0, 1, 1, 0, 1}).to_vector<double>(), (std::vector<double>{3, 0, 4, 2}));
  EXPECT_EQ(pool(*mx, two_rows(), {0, 0, 0, 0, 1, 0}).to_vector<double>(), (std::vector<double>{0, 0, -1, 7}));
  // Masked steps hold larger values than kept ones and still lose.
  const Tensor negative = mul(two_rows(), -100.0);
  EXPECT_EQ(pool(*mx, negative, {1, 0, 0, 0, 0, 1}).to_vector<double>(), (std::vector<double>{-100, 200, -400, 300}));
}

TEST(MaskedPooling, GradientsGoToKeptStepsOnly) {
  for (bool average : {true, false}) {
    SCOPED_TRACE(average ? "average" : "max");
    std::shared_ptr<nn::Layer> layer = average
                                           ? std::shared_ptr<nn::Layer>(layers::GlobalAveragePooling1D({.dtype = f64}))
                                           : layers::GlobalMaxPooling1D({.dtype = f64});
    const Tensor mask = from_vector(std::vector<double>{1, 0, 1, 0, 0, 0, 1, 1}, {2, 4});
    Generator gen(5);
    EXPECT_TRUE(testing::gradcheck([&](const std::vector<Tensor>& in) { return layer->call_masked(in[0], mask); },
                                   {random_double({2, 4, 3}, gen)}));
    Tensor x = random_double({2, 4, 3}, gen).set_requires_grad(true);
    sum(layer->call_masked(x, mask)).backward();
    const std::vector<double> g = x.grad().to_vector<double>();
    for (int64_t row = 0; row < 2; ++row)
      for (int64_t t = 0; t < 4; ++t)
        if (mask.at({row, t}) == 0.0) {
          for (int64_t f = 0; f < 3; ++f) EXPECT_EQ(g[static_cast<size_t>((row * 4 + t) * 3 + f)], 0.0);
        }
  }
}

// Model A reads ids padded with zeros to length 6; model B, with the same weights,
// reads the unpadded ids (length 3). Masking makes A's answer equal B's.
void expect_padding_invisible(const std::function<std::shared_ptr<nn::Layer>()>& body) {
  auto make = [&](int64_t steps) {
    set_random_seed(21);
    return std::make_shared<Sequential>(
        L{layers::Embedding(9, 4, {.mask_zero = true, .input_shape = {steps}}), body(), layers::Dense(2)});
  };
  auto padded = make(6), unpadded = make(3);
  // The padding id's vector is large, so any layer that reads it shows it.
  std::vector<Tensor> weights = padded->get_weights();
  for (int64_t d = 0; d < 4; ++d) weights[0].set({0, d}, 1.0);
  padded->set_weights(weights);
  unpadded->set_weights(weights);
  const Tensor ids_padded = from_vector(std::vector<float>{3, 5, 2, 0, 0, 0, 8, 1, 4, 0, 0, 0}, {2, 6});
  const Tensor ids = from_vector(std::vector<float>{3, 5, 2, 8, 1, 4}, {2, 3});
  const Tensor want = unpadded->predict(ids);
  EXPECT_TRUE(all_close(padded->predict(ids_padded), want, 1e-6, 1e-5));
  // Without the mask the padding changes the answer (the test can fail).
  set_random_seed(21);
  Sequential no_mask(L{layers::Embedding(9, 4, {.input_shape = {6}}), body(), layers::Dense(2)});
  no_mask.set_weights(weights);
  EXPECT_FALSE(all_close(no_mask.predict(ids_padded), want, 1e-6, 1e-5));
}

TEST(MaskedSequences, EmbeddingMaskZeroThenLstm) {
  expect_padding_invisible([] { return layers::LSTM(5); });
}

TEST(MaskedSequences, EmbeddingMaskZeroThenAveragePooling) {
  expect_padding_invisible([] { return layers::GlobalAveragePooling1D(); });
}

TEST(MaskedSequences, EmbeddingMaskZeroThenMaxPooling) {
  expect_padding_invisible([] { return layers::GlobalMaxPooling1D(); });
}

TEST(MaskedSequences, MaskingThenLstmMatchesUnpaddedSequence) {
  set_random_seed(8);
  auto padded =
      std::make_shared<Sequential>(L{layers::Masking(0.0, {.input_shape = {5, 2}}), layers::LSTM(3), layers::Dense(1)});
  set_random_seed(8);
  auto unpadded = std::make_shared<Sequential>(L{layers::LSTM(3, {.input_shape = {2, 2}}), layers::Dense(1)});
  unpadded->set_weights(padded->get_weights());
  const Tensor x = from_vector(std::vector<float>{0.5f, -1, 2, 0.25f, 0, 0, 0, 0, 0, 0}, {1, 5, 2});
  const Tensor x_short = from_vector(std::vector<float>{0.5f, -1, 2, 0.25f}, {1, 2, 2});
  EXPECT_TRUE(all_close(padded->predict(x), unpadded->predict(x_short), 1e-6, 1e-5));
}

}  // namespace
}  // namespace deepfin
