#pragma once
// Replays a PyTorch parity fixture (see generate_fixtures.py) against a deepfin op:
// loads the inputs in the dtype and memory layout of a Variant, runs the op, checks the
// output and the gradients of sum(out * R) against torch's float64 values.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::parity {

// How the fixture's inputs are handed to the op.
struct Variant {
  DType dtype;
  bool strided;  // inputs are non-contiguous views (every stride doubled)
  double atol;
  double rtol;
  std::string label() const;
};

// float64 contiguous and strided (tight tolerances: only summation order may differ),
// float32 contiguous and strided (atol 1e-5, rtol 1e-4; the optimized kernels run here).
const std::vector<Variant>& op_variants();

using Inputs = std::map<std::string, Tensor>;
// `attrs` holds the fixture's attributes plus "op", the torch-side op name.
using OpFn = std::function<Tensor(const Inputs& inputs, const nlohmann::json& attrs)>;

// Loads fixture `name`, runs `fn` under `variant` and compares the output and every stored gradient.
::testing::AssertionResult check_op_case(const std::string& name, const Variant& variant, const OpFn& fn);

// The fixture names of one family ("conv", "pool", ...), as listed in fixtures/index.json.
std::vector<std::string> family_cases(const std::string& family);

// A non-contiguous view holding the same values as `t` (in `dtype`): each element sits
// every other slot of a buffer twice the size, so every stride is doubled.
Tensor strided_copy(const Tensor& t, DType dtype);

// The input `key`, or an undefined Tensor when the fixture has none (optional bias / weights).
Tensor optional_input(const Inputs& inputs, const std::string& key);

void PrintTo(const Variant& variant, std::ostream* os);

// Parameterised op tests run every fixture of a family under every Variant:
//   INSTANTIATE_TEST_SUITE_P(Torch, ConvParity, cases_with_variants(kConvCases), CaseParamName());
using CaseParam = std::tuple<std::string, Variant>;
struct CaseParamName {
  std::string operator()(const ::testing::TestParamInfo<CaseParam>& info) const;  // "conv2d_same_float32"
};
inline auto cases_with_variants(const std::vector<std::string>& names) {
  return ::testing::Combine(::testing::ValuesIn(names), ::testing::ValuesIn(op_variants()));
}

}  // namespace deepfin::parity
