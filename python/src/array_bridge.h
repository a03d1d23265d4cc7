#pragma once
// numpy arrays <-> deepfin Tensors, sharing memory wherever the element types
// agree. An array goes in through the buffer protocol; a Tensor viewing it keeps
// the array alive (the reference is dropped under the GIL, from whatever thread
// frees the Tensor). A Tensor goes out as an array whose base keeps the Tensor's
// storage alive, so neither side can free memory the other still reads.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin::python {

// What a model entry point needs of an array argument.
enum class ArrayRole {
  any,          // keep the element type (float32, float64, int64); others are refused
  model_input,  // float32 or int64 (token ids); other numbers are converted (a copy)
  target,       // float32 or int64 (class ids); other numbers are converted (a copy)
  weights,      // float32; other numbers are converted (a copy)
};

// The array as a Tensor. Shares the memory when the element type fits the role and the
// strides are whole elements; copies otherwise, and only then. TypeError for arrays of
// objects, strings or complex numbers, naming `what`.
Tensor tensor_from_array(pybind11::handle array, const std::string& what, ArrayRole role = ArrayRole::any);

// The tensor as a numpy array sharing its memory (the array's base owns a Tensor handle).
pybind11::array array_from_tensor(const Tensor& tensor);

}  // namespace deepfin::python
