#pragma once
// Stacking a linear TF-IDF model with a neural text classifier. The linear model's
// decision values s become probabilities softmax(scale · s), and the two are mixed:
//   p = (1 - weight) · p_neural + weight · softmax(scale · s).
// Both numbers are fitted on held-out texts that neither model trained on, by the
// smallest mean negative log-likelihood over a fixed grid, so the stack is learned
// from the data rather than set by hand. (In the text task those texts also choose
// the neural model's best epoch, which leans the blend slightly towards it.)
#include <cstdint>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::text_model {

struct LinearBlend {
  double scale = 1.0;   // temperature of the linear model's softmax (> 0)
  double weight = 0.0;  // share of the linear model, in [0, 1]
};

// ValueError unless scale is finite and > 0 and weight lies in [0, 1].
void check_blend(const LinearBlend& blend);

// (N, C) float64 probabilities of the blend. ValueError for mismatched shapes or a bad blend.
Tensor blend_probabilities(const Tensor& neural_probabilities, const Tensor& linear_decision, const LinearBlend& blend);

// The blend with the smallest mean negative log-likelihood of `truth` (class ids)
// on held-out rows: scale in 2^-2 .. 2^5, weight in 0, 0.05, ..., 1.
// ValueError for mismatched shapes, no rows, or a class id out of range.
LinearBlend fit_blend(const Tensor& neural_probabilities, const Tensor& linear_decision,
                      const std::vector<int64_t>& truth);

}  // namespace deepfin::text_model
