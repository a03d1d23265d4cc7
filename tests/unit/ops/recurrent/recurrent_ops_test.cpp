// The fused recurrent ops against hand-computed values and a brute-force per-step
// reference written out here from the Keras cell equations; masking, go_backwards,
// dropout-mask semantics and error messages.
#include <gtest/gtest.h>

#include <cmath>

#include "deepfin/ops/recurrent.h"
#include "testing/gradcheck.h"

namespace deepfin {
namespace {

using testing::all_close;
using testing::random_double;

double sig(double v) {
  return 1.0 / (1.0 + std::exp(-v));
}

TEST(RecurrentOps, SimpleRnnLinearByHand) {
  // U = F = 1, linear: h_t = 2 x_t + 0.5 h_{t-1} + 1, h0 = 3.
  const Tensor x = from_vector(std::vector<double>{1, -1, 2}, {1, 3, 1});
  const Tensor k = from_vector(std::vector<double>{2}, {1, 1}), r = from_vector(std::vector<double>{0.5}, {1, 1});
  const Tensor b = from_vector(std::vector<double>{1}, {1}), h0 = from_vector(std::vector<double>{3}, {1, 1});
  auto res = deepfin::simple_rnn(x, k, r, b, h0, {}, {}, {}, {.activation = "linear"});
  // 2 + 1.5 + 1 = 4.5; -2 + 2.25 + 1 = 1.25; 4 + 0.625 + 1 = 5.625
  EXPECT_EQ(res.sequence.to_vector<double>(), (std::vector<double>{4.5, 1.25, 5.625}));
  EXPECT_EQ(res.last_h.to_vector<double>(), (std::vector<double>{5.625}));
  // go_backwards: x_2, x_1, x_0: 4 + 1.5 + 1 = 6.5; -2 + 3.25 + 1 = 2.25; 2 + 1.125 + 1 = 4.125
  auto back = deepfin::simple_rnn(x, k, r, b, h0, {}, {}, {}, {.activation = "linear", .go_backwards = true});
  EXPECT_EQ(back.sequence.to_vector<double>(), (std::vector<double>{6.5, 2.25, 4.125}));
}

// Keras LSTM, one step at a time, in plain double loops.
struct Reference {
  std::vector<double> seq, h, c;
};
Reference lstm_reference(const Tensor& x, const Tensor& k, const Tensor& r, const Tensor& b, const Tensor& h0,
                         const Tensor& c0) {
  const int64_t N = x.size(0), T = x.size(1), F = x.size(2), U = r.size(0);
  Reference out{std::vector<double>(N * T * U), h0.to_vector<double>(), c0.to_vector<double>()};
  for (int64_t n = 0; n < N; ++n)
    for (int64_t t = 0; t < T; ++t) {
      std::vector<double> z(4 * U);
      for (int64_t j = 0; j < 4 * U; ++j) {
        double acc = b.at({j});
        for (int64_t f = 0; f < F; ++f) acc += x.at({n, t, f}) * k.at({f, j});
        for (int64_t u = 0; u < U; ++u) acc += out.h[n * U + u] * r.at({u, j});
        z[j] = acc;
      }
      for (int64_t u = 0; u < U; ++u) {
        const double i = sig(z[u]), f = sig(z[U + u]), g = std::tanh(z[2 * U + u]);
        out.c[n * U + u] = f * out.c[n * U + u] + i * g;
      }
      for (int64_t u = 0; u < U; ++u) {
        out.h[n * U + u] = sig(z[3 * U + u]) * std::tanh(out.c[n * U + u]);
        out.seq[(n * T + t) * U + u] = out.h[n * U + u];
      }
    }
  return out;
}

TEST(RecurrentOps, LstmMatchesBruteForceInBothDtypes) {
  Generator gen(3);
  const Tensor x = random_double({3, 5, 4}, gen), k = random_double({4, 12}, gen), r = random_double({3, 12}, gen);
  const Tensor b = random_double({12}, gen), h0 = random_double({3, 3}, gen), c0 = random_double({3, 3}, gen);
  const Reference want = lstm_reference(x, k, r, b, h0, c0);
  for (DType dt : {DType::float64, DType::float32}) {
    const double tol = dt == DType::float64 ? 1e-12 : 2e-5;
    auto res = deepfin::lstm(x.to(dt), k.to(dt), r.to(dt), b.to(dt), h0.to(dt), c0.to(dt));
    EXPECT_TRUE(all_close(res.sequence.to(DType::float64), from_vector(want.seq, {3, 5, 3}), tol, tol));
    EXPECT_TRUE(all_close(res.last_h.to(DType::float64), from_vector(want.h, {3, 3}), tol, tol));
    EXPECT_TRUE(all_close(res.last_c.to(DType::float64), from_vector(want.c, {3, 3}), tol, tol));
  }
}

TEST(RecurrentOps, GruByHandOneUnit) {
  // U = F = 1, one step from h0 = 0.5: Keras reset_after GRU.
  const Tensor x = from_vector(std::vector<double>{0.7}, {1, 1, 1});
  const Tensor k = from_vector(std::vector<double>{0.1, 0.2, 0.3}, {1, 3});
  const Tensor r = from_vector(std::vector<double>{0.4, 0.5, 0.6}, {1, 3});
  const Tensor b = from_vector(std::vector<double>{0.01, 0.02, 0.03, 0.04, 0.05, 0.06}, {2, 3});
  const Tensor h0 = from_vector(std::vector<double>{0.5}, {1, 1});
  const double z = sig(0.07 + 0.01 + 0.2 + 0.04), rr = sig(0.14 + 0.02 + 0.25 + 0.05);
  const double hh = std::tanh(0.21 + 0.03 + rr * (0.3 + 0.06));
  const double h = z * 0.5 + (1 - z) * hh;
  auto res = deepfin::gru(x, k, r, b, h0);
  EXPECT_NEAR(res.last_h.item(), h, 1e-15);
  EXPECT_NEAR(res.sequence.item(), h, 1e-15);
}

TEST(RecurrentOps, MaskedStepsKeepStateAndRepeatOutput) {
  Generator gen(9);
  const Tensor x = random_double({2, 4, 3}, gen), k = random_double({3, 8}, gen), r = random_double({2, 8}, gen);
  const Tensor b = random_double({8}, gen);
  // Row 0 keeps steps 0 and 2; row 1 masks step 0 only.
  const Tensor mask = from_vector(std::vector<double>{1, 0, 1, 0, 0, 1, 1, 1}, {2, 4});
  auto res = deepfin::lstm(x, k, r, b, {}, {}, mask);
  // Row 0 equals an unmasked run over x[0, {0, 2}].
  const Tensor x0 = from_vector(std::vector<double>{x.at({0, 0, 0}), x.at({0, 0, 1}), x.at({0, 0, 2}), x.at({0, 2, 0}),
                                                    x.at({0, 2, 1}), x.at({0, 2, 2})},
                                {1, 2, 3});
  auto ref0 = deepfin::lstm(x0, k, r, b);
  EXPECT_TRUE(all_close(res.last_h.select(0, 0), ref0.last_h.select(0, 0), 1e-14, 1e-14));
  EXPECT_TRUE(all_close(res.last_c.select(0, 0), ref0.last_c.select(0, 0), 1e-14, 1e-14));
  // The output at masked step 1 repeats step 0; at masked step 3 repeats step 2.
  EXPECT_EQ(res.sequence.select(0, 0).select(0, 1).to_vector<double>(),
            res.sequence.select(0, 0).select(0, 0).to_vector<double>());
  EXPECT_EQ(res.sequence.select(0, 0).select(0, 3).to_vector<double>(),
            res.sequence.select(0, 0).select(0, 2).to_vector<double>());
  // Row 1: the first step is masked, so its output is zeros (Keras), and the state is untouched.
  EXPECT_EQ(res.sequence.select(0, 1).select(0, 0).to_vector<double>(), (std::vector<double>{0, 0}));
}

TEST(RecurrentOps, GoBackwardsEqualsReversedInput) {
  Generator gen(4);
  const Tensor x = random_double({2, 5, 3}, gen), k = random_double({3, 6}, gen), r = random_double({2, 6}, gen);
  const Tensor b = random_double({2, 6}, gen);
  std::vector<double> rev;
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t t = 4; t >= 0; --t)
      for (int64_t f = 0; f < 3; ++f) rev.push_back(x.at({n, t, f}));
  auto a = deepfin::gru(x, k, r, b, {}, {}, {}, {}, {.go_backwards = true});
  auto want = deepfin::gru(from_vector(rev, {2, 5, 3}), k, r, b);
  EXPECT_TRUE(all_close(a.sequence, want.sequence, 1e-15, 1e-15));
  EXPECT_TRUE(all_close(a.last_h, want.last_h, 1e-15, 1e-15));
}

TEST(RecurrentOps, InputDropoutMaskEqualsScaledInput) {
  Generator gen(6);
  const Tensor x = random_double({2, 3, 2}, gen), k = random_double({2, 4}, gen), r = random_double({4, 4}, gen);
  const Tensor drop = from_vector(std::vector<double>{2.0, 0.0, 0.0, 2.0}, {2, 2});
  std::vector<double> scaled = x.to_vector<double>();
  for (size_t i = 0; i < scaled.size(); ++i) scaled[i] *= drop.to_vector<double>()[(i / 6) * 2 + i % 2];
  auto a = deepfin::simple_rnn(x, k, r, Tensor(), {}, {}, drop);
  auto want = deepfin::simple_rnn(from_vector(scaled, {2, 3, 2}), k, r, Tensor());
  EXPECT_TRUE(all_close(a.sequence, want.sequence, 1e-15, 1e-15));
  // A recurrent dropout mask of ones changes nothing.
  auto ones_mask = deepfin::simple_rnn(x, k, r, Tensor(), {}, {}, {}, ones({2, 4}, DType::float64));
  EXPECT_TRUE(all_close(ones_mask.sequence, deepfin::simple_rnn(x, k, r, Tensor()).sequence, 0, 0));
}

TEST(RecurrentOps, ErrorsNameTheOpAndShapes) {
  const Tensor x = zeros({2, 3, 4});
  try {
    deepfin::lstm(x, zeros({4, 8}), zeros({3, 12}), zeros({12}));
    FAIL() << "no throw";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("lstm: kernel has shape (4, 8) but x (2, 3, 4) needs (4, 12)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(deepfin::gru(x, zeros({4, 9}), zeros({3, 9}), zeros({9})), ShapeError);  // GRU bias is (2, 3U)
  EXPECT_THROW(deepfin::simple_rnn(zeros({2, 4}), zeros({4, 3}), zeros({3, 3}), {}), ShapeError);
  EXPECT_THROW(deepfin::simple_rnn(x, zeros({4, 3}), zeros({3, 3}), {}, zeros({2, 3}, DType::float64)), DTypeError);
  EXPECT_THROW(deepfin::simple_rnn(x, zeros({4, 3}), zeros({3, 3}), {}, {}, zeros({3, 2})), ShapeError);
  try {
    deepfin::simple_rnn(x, zeros({4, 3}), zeros({3, 3}), {}, {}, {}, {}, {}, {.activation = "swish"});
    FAIL() << "no throw";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("simple_rnn: unknown activation 'swish'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin
