// Dropout: identity outside training, statistics of the mask, reproducibility
// from the seed, a backward that reuses the mask, and bad arguments.
#include "deepfin/ops/dropout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace deepfin {
namespace {

TEST(Dropout, IdentityWhenNotTrainingOrRateZero) {
  Tensor x = from_vector(std::vector<double>{1, -2, 3}, {3});
  EXPECT_EQ(dropout(x, 0.5, false).to_vector<double>(), x.to_vector<double>());
  EXPECT_EQ(dropout(x, 0.0, true).to_vector<double>(), x.to_vector<double>());
}

TEST(Dropout, KeepsTheMeanAndZeroesAboutRate) {
  const int64_t n = 200000;
  const double rate = 0.3;
  Generator gen(42);
  Tensor out = dropout(ones({n}), rate, true, &gen);
  const auto v = out.to_vector<float>();
  int64_t zeroed = 0;
  double total = 0;
  for (float e : v) {
    if (e == 0.0f) {
      ++zeroed;
    } else {
      EXPECT_FLOAT_EQ(e, static_cast<float>(1.0 / (1.0 - rate)));
    }
    total += e;
  }
  // Binomial std of the zero fraction is sqrt(0.21 / n) ~ 0.001; allow 5 sigma.
  EXPECT_NEAR(static_cast<double>(zeroed) / n, rate, 0.005);
  EXPECT_NEAR(total / n, 1.0, 0.01);
}

TEST(Dropout, SameSeedSameMask) {
  Tensor x = ones({1000});
  Generator a(7), b(7), c(8);
  const auto ra = dropout(x, 0.5, true, &a).to_vector<float>();
  EXPECT_EQ(ra, dropout(x, 0.5, true, &b).to_vector<float>());
  EXPECT_NE(ra, dropout(x, 0.5, true, &c).to_vector<float>());
  // The default generator follows set_random_seed.
  set_random_seed(99);
  const auto d1 = dropout(x, 0.5, true).to_vector<float>();
  set_random_seed(99);
  EXPECT_EQ(d1, dropout(x, 0.5, true).to_vector<float>());
}

TEST(Dropout, GradientUsesTheForwardMask) {
  Generator gen(3);
  Tensor x = from_vector(std::vector<double>{0.5, -1, 2, 4, 1, -3, 0.25, 8}, {2, 4}).set_requires_grad();
  Tensor out = dropout(x, 0.5, true, &gen);
  out.backward(ones({2, 4}, DType::float64));
  const auto o = out.to_vector<double>(), xv = x.to_vector<double>(), g = x.grad().to_vector<double>();
  for (size_t i = 0; i < o.size(); ++i) EXPECT_DOUBLE_EQ(g[i], o[i] / xv[i]) << i;  // mask = out / x
}

TEST(Dropout, BadArguments) {
  Tensor x = ones({4});
  for (double rate : {1.0, -0.1, 1.5, std::nan("")}) {
    try {
      dropout(x, rate, true);
      ADD_FAILURE() << "rate " << rate << " accepted";
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("dropout"), std::string::npos) << e.what();
    }
  }
  try {
    dropout(zeros({2}, DType::int64), 0.5, true);
    ADD_FAILURE() << "int64 accepted";
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("dropout"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace deepfin
