#pragma once
// Checks fit/evaluate/predict run on their data before any work, so bad input
// fails with an error that names the array and the offending value.
#include <map>
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin::models::detail {

// ShapeError naming both arrays and shapes when their sample counts (axis 0) differ.
void check_same_samples(const Tensor& a, const char* a_name, const Tensor& b, const char* b_name, const char* op);

// ValueError naming the array and the first NaN/Inf (flat index and sample).
void check_finite(const Tensor& t, const char* name, const char* op);

// Flat index of the first NaN/Inf in a floating tensor; -1 if none (or not floating).
int64_t first_nonfinite(const Tensor& t);

// The model's outputs for finite inputs: ValueError naming the first sample whose
// output is NaN or Inf, and whether the weights (`params`, may be undefined) are
// at fault or the inputs are too large for float32 arithmetic.
void check_finite_outputs(const Tensor& out, const Tensor& params, const char* op);

// x as the model sees it: float32 values of an int64 x (token ids, category codes),
// since layers take floating inputs; other dtypes unchanged. ValueError when an
// int64 value has no exact float32 (|v| > 2^24), naming the array and the value.
Tensor as_model_input(const Tensor& x, const char* name, const char* op);

// ShapeError naming the expected and the received per-sample shape.
void check_input_shape(const Tensor& x, const Shape& expected, const char* op);

// Per-sample weights: sample_weight (or ones) times class_weight[class of each y row].
// Undefined when neither is given.
Tensor combine_sample_weights(const Tensor& y, const Tensor& sample_weight,
                              const std::map<int64_t, double>& class_weight, const char* op);

}  // namespace deepfin::models::detail
