// conv2d forward against an oracle that zero-pads the input explicitly, Keras
// output sizes, equivalences with linear, optimized vs reference, and errors.
#include "deepfin/ops/conv.h"

#include <gtest/gtest.h>

#include "deepfin/ops/linalg.h"
#include "kernels/dispatch.h"
#include "ops_test_util.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;

// Pads x with zeros (pad_top/left given, the rest after), then applies the
// textbook strided, dilated "valid" cross-correlation.
Tensor oracle_conv(const Tensor& x, const Tensor& k, const Tensor& b, const Conv2dOptions& o) {
  const int64_t N = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
  const int64_t KH = k.size(0), KW = k.size(1), CO = k.size(3);
  const int64_t OH = conv_output_size(H, KH, o.strides[0], o.dilation[0], o.padding);
  const int64_t OW = conv_output_size(W, KW, o.strides[1], o.dilation[1], o.padding);
  const int64_t pt = conv_pad_before(H, KH, o.strides[0], o.dilation[0], o.padding);
  const int64_t pl = conv_pad_before(W, KW, o.strides[1], o.dilation[1], o.padding);
  const int64_t PH = H + 2 * KH * o.dilation[0], PW = W + 2 * KW * o.dilation[1];
  Tensor padded = zeros({N, PH, PW, C}, DType::float64);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w)
        for (int64_t c = 0; c < C; ++c) padded.set({n, h + pt, w + pl, c}, x.at({n, h, w, c}));
  Tensor out = zeros({N, OH, OW, CO}, DType::float64);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t co = 0; co < CO; ++co) {
          double acc = b.defined() ? b.at({co}) : 0.0;
          for (int64_t i = 0; i < KH; ++i)
            for (int64_t j = 0; j < KW; ++j)
              for (int64_t c = 0; c < C; ++c)
                acc += padded.at({n, oh * o.strides[0] + i * o.dilation[0], ow * o.strides[1] + j * o.dilation[1], c}) *
                       k.at({i, j, c, co});
          out.set({n, oh, ow, co}, acc);
        }
  return out;
}

TEST(Conv2d, KerasOutputSizesAndPadding) {
  EXPECT_EQ(conv_output_size(28, 3, 1, 1, Padding::valid), 26);
  EXPECT_EQ(conv_output_size(28, 3, 1, 1, Padding::same), 28);
  EXPECT_EQ(conv_output_size(5, 3, 2, 1, Padding::same), 3);   // ceil(5 / 2)
  EXPECT_EQ(conv_output_size(7, 3, 2, 2, Padding::valid), 2);  // span 5: (7 - 5) / 2 + 1
  EXPECT_EQ(conv_output_size(2, 3, 1, 1, Padding::valid), 0);
  // pad_total = max((out - 1) * s + (k - 1) * d + 1 - in, 0); before = total / 2.
  EXPECT_EQ(conv_pad_before(5, 3, 2, 1, Padding::same), 1);  // total 2
  EXPECT_EQ(conv_pad_before(4, 2, 1, 1, Padding::same), 0);  // total 1: the odd cell goes after
  EXPECT_EQ(conv_pad_before(6, 3, 1, 2, Padding::same), 2);  // total 4
  EXPECT_EQ(conv_pad_before(6, 3, 1, 1, Padding::valid), 0);
  EXPECT_EQ(padding_from_name("same"), Padding::same);
  EXPECT_STREQ(padding_name(Padding::valid), "valid");
  EXPECT_THROW(padding_from_name("full"), ConfigError);
}

TEST(Conv2d, MatchesPaddedOracle) {
  Generator gen(1);
  struct Case {
    Shape x, k;
    Conv2dOptions o;
  };
  const std::vector<Case> cases = {
      {{2, 6, 5, 3}, {3, 3, 3, 4}, {}},
      {{1, 7, 6, 2}, {3, 2, 2, 3}, {.padding = Padding::same}},
      {{2, 7, 7, 1}, {3, 3, 1, 2}, {.strides = {2, 2}, .padding = Padding::same}},
      {{1, 8, 7, 2}, {2, 3, 2, 2}, {.strides = {2, 3}, .dilation = {2, 1}}},
      {{1, 6, 6, 1}, {3, 3, 1, 1}, {.padding = Padding::same, .dilation = {2, 2}}},
      {{3, 28, 28, 1}, {3, 3, 1, 32}, {}},  // the seed CNN's first layer
  };
  for (const auto& c : cases) {
    const Tensor x = rand_uniform(c.x, -1, 1, DType::float32, &gen), k = rand_uniform(c.k, -1, 1, DType::float32, &gen);
    const Tensor b = rand_uniform({c.k[3]}, -1, 1, DType::float32, &gen);
    const Tensor expected = oracle_conv(x, k, b, c.o);
    for (bool reference : {false, true}) {
      kernels::set_reference_kernels_only(reference);
      EXPECT_TRUE(all_close(conv2d(x, k, b, c.o).to(DType::float64), expected, 1e-4, 1e-4))
          << shape_str(c.x) << " * " << shape_str(c.k) << (reference ? " reference" : " optimized");
      EXPECT_TRUE(
          all_close(conv2d(x, k, Tensor(), c.o).to(DType::float64), oracle_conv(x, k, Tensor(), c.o), 1e-4, 1e-4));
    }
    kernels::set_reference_kernels_only(false);
  }
}

TEST(Conv2d, PointwiseEqualsLinearOverChannels) {
  Generator gen(2);
  const Tensor x = rand_uniform({2, 3, 4, 5}, -1, 1, DType::float64, &gen);
  const Tensor k = rand_uniform({1, 1, 5, 3}, -1, 1, DType::float64, &gen);
  const Tensor b = rand_uniform({3}, -1, 1, DType::float64, &gen);
  EXPECT_TRUE(all_close(conv2d(x, k, b), linear(x, k.reshape({5, 3}), b)));
}

TEST(Conv2d, BackwardOptimizedMatchesReference) {
  Generator gen(3);
  const Tensor x0 = rand_uniform({4, 9, 8, 3}, -1, 1, DType::float32, &gen);
  const Tensor k0 = rand_uniform({3, 3, 3, 5}, -1, 1, DType::float32, &gen);
  const Tensor b0 = rand_uniform({5}, -1, 1, DType::float32, &gen);
  const Tensor gy = rand_uniform({4, 5, 4, 5}, -1, 1, DType::float32, &gen);
  std::vector<Tensor> grads[2];
  for (int reference = 0; reference < 2; ++reference) {
    kernels::set_reference_kernels_only(reference == 1);
    Tensor x = x0.detach(), k = k0.detach(), b = b0.detach();
    x.set_requires_grad(), k.set_requires_grad(), b.set_requires_grad();
    conv2d(x, k, b, {.strides = {2, 2}, .padding = Padding::same}).backward(gy);
    grads[reference] = {x.grad(), k.grad(), b.grad()};
  }
  kernels::set_reference_kernels_only(false);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(all_close(grads[0][i], grads[1][i], 1e-4, 1e-4)) << "input " << i;
}

using testing::expect_error;

TEST(Conv2d, BadInputThrows) {
  const Tensor x = zeros({1, 5, 5, 3}), k = zeros({3, 3, 2, 4});
  expect_error<ShapeError>([&] { conv2d(x, k); }, {"conv2d", "(1, 5, 5, 3)", "(3, 3, 2, 4)"});
  expect_error<ShapeError>([&] { conv2d(zeros({5, 5, 3}), zeros({3, 3, 3, 4})); }, {"conv2d", "(5, 5, 3)"});
  expect_error<ShapeError>([&] { conv2d(x, zeros({3, 3, 3, 4}), zeros({3})); }, {"conv2d", "(3,)"});
  expect_error<ValueError>([&] { conv2d(zeros({1, 2, 2, 1}), zeros({3, 3, 1, 1})); }, {"conv2d", "empty"});
  expect_error<ValueError>([&] { conv2d(x, zeros({3, 3, 3, 1}), {}, {.strides = {0, 1}}); }, {"conv2d"});
  expect_error<DTypeError>(
      [&] {
        conv2d(zeros({1, 3, 3, 1}, DType::int64), zeros({1, 1, 1, 1}, DType::int64));
      },
      {"conv2d"});
  expect_error<DTypeError>([&] { conv2d(zeros({1, 3, 3, 1}), zeros({1, 1, 1, 1}, DType::float64)); }, {"conv2d"});
}

}  // namespace
}  // namespace deepfin
