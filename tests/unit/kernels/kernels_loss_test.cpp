// The optimized fused-loss kernels against the reference loops over a grid of
// (rows, classes) incl. 1, odd sizes and sizes past the parallel cut-off, in
// float and double. Only summation order differs, so tolerances are tight.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/loss_slots.h"

namespace deepfin::kernels {
namespace {

template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 2e-5 : 1e-12;
}

template <class T>
::testing::AssertionResult within_tolerance(const std::vector<T>& got, const std::vector<T>& want,
                                            const std::string& what) {
  for (size_t i = 0; i < want.size(); ++i)
    if (!(std::abs(double(got[i]) - double(want[i])) <= tolerance<T>() * (1 + std::abs(double(want[i])))))
      return ::testing::AssertionFailure() << what << " element " << i << ": " << got[i] << " vs " << want[i];
  return ::testing::AssertionSuccess();
}

struct Grid {
  int64_t rows, classes;
};
const std::vector<Grid> kGrid = {{1, 1}, {1, 2}, {3, 7}, {8, 10}, {5, 33}, {2000, 17}, {37, 1000}};

template <class T>
std::vector<T> random_vector(std::mt19937& rng, size_t n, double low, double high) {
  std::uniform_real_distribution<double> dist(low, high);
  std::vector<T> v(n);
  for (auto& e : v) e = T(dist(rng));
  return v;
}

template <class T>
void compare_softmax_xent() {
  std::mt19937 rng(21);
  for (const Grid& g : kGrid) {
    const size_t n = g.rows * g.classes;
    auto x = random_vector<T>(rng, n, -20, 20);
    auto y = random_vector<T>(rng, n, 0, 1);  // soft targets, not normalised
    auto scale = random_vector<T>(rng, g.rows, 0.1, 2);
    std::vector<T> loss_r(g.rows), lse_r(g.rows), loss_o(g.rows), lse_o(g.rows);
    softmax_xent_slot<T>().reference()(x.data(), y.data(), g.rows, g.classes, loss_r.data(), lse_r.data());
    softmax_xent_slot<T>().optimized()(x.data(), y.data(), g.rows, g.classes, loss_o.data(), lse_o.data());
    const std::string at = " at " + std::to_string(g.rows) + "x" + std::to_string(g.classes);
    EXPECT_TRUE(within_tolerance(loss_o, loss_r, "softmax_xent loss" + at));
    EXPECT_TRUE(within_tolerance(lse_o, lse_r, "softmax_xent lse" + at));
    std::vector<T> gx_r(n), gy_r(n), gx_o(n), gy_o(n);
    softmax_xent_backward_slot<T>().reference()(x.data(), y.data(), lse_r.data(), scale.data(), g.rows, g.classes,
                                                gx_r.data(), gy_r.data());
    softmax_xent_backward_slot<T>().optimized()(x.data(), y.data(), lse_r.data(), scale.data(), g.rows, g.classes,
                                                gx_o.data(), nullptr);
    EXPECT_TRUE(within_tolerance(gx_o, gx_r, "softmax_xent grad logits" + at));
    softmax_xent_backward_slot<T>().optimized()(x.data(), y.data(), lse_r.data(), scale.data(), g.rows, g.classes,
                                                nullptr, gy_o.data());
    EXPECT_TRUE(within_tolerance(gy_o, gy_r, "softmax_xent grad targets" + at));
  }
}

template <class T>
void compare_sparse_xent() {
  std::mt19937 rng(22);
  for (const Grid& g : kGrid) {
    const size_t n = g.rows * g.classes;
    auto x = random_vector<T>(rng, n, -20, 20);
    auto scale = random_vector<T>(rng, g.rows, 0.1, 2);
    std::uniform_int_distribution<int64_t> pick(0, g.classes - 1);
    std::vector<int64_t> labels(g.rows);
    for (auto& l : labels) l = pick(rng);
    std::vector<T> loss_r(g.rows), lse_r(g.rows), loss_o(g.rows), lse_o(g.rows);
    sparse_xent_slot<T>().reference()(x.data(), labels.data(), g.rows, g.classes, loss_r.data(), lse_r.data());
    sparse_xent_slot<T>().optimized()(x.data(), labels.data(), g.rows, g.classes, loss_o.data(), lse_o.data());
    const std::string at = " at " + std::to_string(g.rows) + "x" + std::to_string(g.classes);
    EXPECT_TRUE(within_tolerance(loss_o, loss_r, "sparse_xent loss" + at));
    std::vector<T> gx_r(n), gx_o(n);
    sparse_xent_backward_slot<T>().reference()(x.data(), labels.data(), lse_r.data(), scale.data(), g.rows, g.classes,
                                               gx_r.data());
    sparse_xent_backward_slot<T>().optimized()(x.data(), labels.data(), lse_r.data(), scale.data(), g.rows, g.classes,
                                               gx_o.data());
    EXPECT_TRUE(within_tolerance(gx_o, gx_r, "sparse_xent grad" + at));
  }
}

template <class T>
void compare_categorical_xent() {
  std::mt19937 rng(23);
  const T eps = T(1e-7);
  for (const Grid& g : kGrid) {
    const size_t n = g.rows * g.classes;
    auto p = random_vector<T>(rng, n, 1e-9, 1);  // some entries clip after normalising
    auto y = random_vector<T>(rng, n, 0, 1);
    auto scale = random_vector<T>(rng, g.rows, 0.1, 2);
    std::vector<T> loss_r(g.rows), loss_o(g.rows);
    categorical_xent_slot<T>().reference()(p.data(), y.data(), g.rows, g.classes, eps, loss_r.data());
    categorical_xent_slot<T>().optimized()(p.data(), y.data(), g.rows, g.classes, eps, loss_o.data());
    const std::string at = " at " + std::to_string(g.rows) + "x" + std::to_string(g.classes);
    EXPECT_TRUE(within_tolerance(loss_o, loss_r, "categorical_xent loss" + at));
    std::vector<T> gp_r(n), gy_r(n), gp_o(n), gy_o(n);
    categorical_xent_backward_slot<T>().reference()(p.data(), y.data(), scale.data(), g.rows, g.classes, eps,
                                                    gp_r.data(), gy_r.data());
    categorical_xent_backward_slot<T>().optimized()(p.data(), y.data(), scale.data(), g.rows, g.classes, eps,
                                                    gp_o.data(), gy_o.data());
    EXPECT_TRUE(within_tolerance(gp_o, gp_r, "categorical_xent grad probs" + at));
    EXPECT_TRUE(within_tolerance(gy_o, gy_r, "categorical_xent grad targets" + at));
  }
}

template <class T>
void compare_pointwise() {
  std::mt19937 rng(24);
  const std::vector<std::pair<PointwiseLoss, double>> kinds = {
      {PointwiseLoss::squared_error, 0.0},      {PointwiseLoss::absolute_error, 0.0},     {PointwiseLoss::huber, 0.7},
      {PointwiseLoss::binary_xent_probs, 1e-7}, {PointwiseLoss::binary_xent_logits, 0.0},
  };
  for (const auto& [kind, param] : kinds) {
    const bool probs = kind == PointwiseLoss::binary_xent_probs;
    for (const Grid& g : kGrid) {
      const size_t n = g.rows * g.classes;
      auto p = probs ? random_vector<T>(rng, n, 0, 1) : random_vector<T>(rng, n, -30, 30);
      auto t = probs || kind == PointwiseLoss::binary_xent_logits ? random_vector<T>(rng, n, 0, 1)
                                                                  : random_vector<T>(rng, n, -3, 3);
      auto scale = random_vector<T>(rng, g.rows, 0.1, 2);
      std::vector<T> loss_r(g.rows), loss_o(g.rows);
      pointwise_loss_slot<T>().reference()(kind, p.data(), t.data(), g.rows, g.classes, T(param), loss_r.data());
      pointwise_loss_slot<T>().optimized()(kind, p.data(), t.data(), g.rows, g.classes, T(param), loss_o.data());
      const std::string at =
          " kind " + std::to_string(int(kind)) + " at " + std::to_string(g.rows) + "x" + std::to_string(g.classes);
      EXPECT_TRUE(within_tolerance(loss_o, loss_r, "pointwise loss" + at));
      std::vector<T> gp_r(n), gt_r(n), gp_o(n), gt_o(n);
      pointwise_loss_backward_slot<T>().reference()(kind, p.data(), t.data(), scale.data(), g.rows, g.classes, T(param),
                                                    gp_r.data(), gt_r.data());
      pointwise_loss_backward_slot<T>().optimized()(kind, p.data(), t.data(), scale.data(), g.rows, g.classes, T(param),
                                                    gp_o.data(), gt_o.data());
      EXPECT_TRUE(within_tolerance(gp_o, gp_r, "pointwise grad pred" + at));
      EXPECT_TRUE(within_tolerance(gt_o, gt_r, "pointwise grad target" + at));
    }
  }
}

TEST(KernelsLoss, SoftmaxXentOptimizedMatchesReference) {
  compare_softmax_xent<float>();
  compare_softmax_xent<double>();
}
TEST(KernelsLoss, SparseXentOptimizedMatchesReference) {
  compare_sparse_xent<float>();
  compare_sparse_xent<double>();
}
TEST(KernelsLoss, CategoricalXentOptimizedMatchesReference) {
  compare_categorical_xent<float>();
  compare_categorical_xent<double>();
}
TEST(KernelsLoss, PointwiseOptimizedMatchesReference) {
  compare_pointwise<float>();
  compare_pointwise<double>();
}

}  // namespace
}  // namespace deepfin::kernels
