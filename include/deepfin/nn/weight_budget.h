#pragma once
// A ceiling on the bytes of weights that layers may create. Sizes come from
// outside: a job file's `units`, a model file's `input_shape`. A typo or a
// corrupt file must give an error naming the layer and the weight before any
// memory is touched, not a bad_alloc or minutes of initialising gigabytes.
//
// Every weight is checked against max_weight_bytes() (DEEPFIN_MAX_WEIGHT_BYTES,
// default half the machine's memory: a model that trains needs its weights about
// four times over, with gradients and Adam's moments). Inside a WeightBudgetScope
// the weights created on this thread also share the scope's total: load_model
// opens one sized to the tensors its file holds, since every weight must come
// from the file anyway.
#include <cstdint>
#include <string>

#include "deepfin/core/dtype.h"
#include "deepfin/core/shape.h"

namespace deepfin::nn {

int64_t max_weight_bytes();

class WeightBudgetScope {
 public:
  // `why` ends the error message: "the model file holds 3,200 bytes of tensors".
  WeightBudgetScope(int64_t bytes, std::string why);
  ~WeightBudgetScope();
  WeightBudgetScope(const WeightBudgetScope&) = delete;
  WeightBudgetScope& operator=(const WeightBudgetScope&) = delete;

 private:
  WeightBudgetScope* outer_;
  int64_t remaining_;
  std::string why_;
  friend void charge_weight(const std::string&, const std::string&, const Shape&, DType);
};

// Charges one weight of `layer` (e.g. "Dense 'dense'"); ValueError if it does not fit.
void charge_weight(const std::string& layer, const std::string& weight, const Shape& shape, DType dtype);

}  // namespace deepfin::nn
