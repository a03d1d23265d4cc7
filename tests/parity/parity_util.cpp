#include "parity/parity_util.h"

#include <exception>

#include "testing/fixtures.h"
#include "testing/gradcheck.h"

namespace deepfin::parity {

std::string Variant::label() const {
  return std::string(dtype_name(dtype)) + (strided ? "_strided" : "");
}

const std::vector<Variant>& op_variants() {
  static const std::vector<Variant> variants = {
      {DType::float64, false, 1e-10, 1e-8},
      {DType::float64, true, 1e-10, 1e-8},
      {DType::float32, false, 1e-5, 1e-4},
      {DType::float32, true, 1e-5, 1e-4},
  };
  return variants;
}

std::vector<std::string> family_cases(const std::string& family) {
  return testing::load_fixture("index").at("families").at(family).get<std::vector<std::string>>();
}

Tensor strided_copy(const Tensor& t, DType dtype) {
  const std::vector<double> values = t.to_vector<double>();
  Shape buffer_shape = t.shape();
  buffer_shape.push_back(2);
  const int64_t last = static_cast<int64_t>(t.shape().size());
  // Element i lives at slot 2i; the odd slots hold a poison value that must never be read.
  auto build = [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> buffer(values.size() * 2, T(1e30));
    for (size_t i = 0; i < values.size(); ++i) buffer[2 * i] = static_cast<T>(values[i]);
    return from_vector(buffer, buffer_shape).select(last, 0);
  };
  return dtype == DType::float64 ? build(double{}) : build(float{});
}

Tensor optional_input(const Inputs& inputs, const std::string& key) {
  auto it = inputs.find(key);
  return it == inputs.end() ? Tensor() : it->second;
}

void PrintTo(const Variant& variant, std::ostream* os) {
  *os << variant.label();
}

std::string CaseParamName::operator()(const ::testing::TestParamInfo<CaseParam>& info) const {
  return std::get<0>(info.param) + "_" + std::get<1>(info.param).label();
}

::testing::AssertionResult check_op_case(const std::string& name, const Variant& variant, const OpFn& fn) {
  const nlohmann::json fixture = testing::load_fixture(name);
  const nlohmann::json& grads = fixture.at("grads");
  Inputs inputs;
  for (const auto& [key, stored] : fixture.at("inputs").items()) {
    Tensor t = testing::fixture_tensor(stored);
    if (is_floating(t.dtype())) {
      t = variant.strided ? strided_copy(t, variant.dtype) : t.to(variant.dtype).detach();
      if (variant.strided && t.numel() > 1 && t.is_contiguous())
        return ::testing::AssertionFailure() << name << ": strided_copy gave a contiguous tensor for '" << key << "'";
      if (grads.contains(key)) t.set_requires_grad(true);
    }
    inputs[key] = t;
  }
  const std::string where = name + " (" + variant.label() + ")";
  Tensor out;
  try {
    nlohmann::json attrs = fixture.value("attrs", nlohmann::json::object());
    attrs["op"] = fixture.at("op");  // families with several ops (pooling, losses) pick by name
    out = fn(inputs, attrs);
    if (out.dtype() != variant.dtype)
      return ::testing::AssertionFailure() << where << ": output dtype " << dtype_name(out.dtype());
    auto same = testing::all_close(out, testing::fixture_tensor(fixture.at("output")), variant.atol, variant.rtol);
    if (!same) return same << " [" << where << ": forward output]";
    out.backward(testing::fixture_tensor(fixture.at("R")).to(variant.dtype));
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << where << ": deepfin threw: " << e.what();
  }
  for (const auto& [key, expected] : grads.items()) {
    Tensor g = inputs.at(key).grad();
    if (!g.defined()) return ::testing::AssertionFailure() << where << ": no gradient reached input '" << key << "'";
    auto same = testing::all_close(g, testing::fixture_tensor(expected), variant.atol, variant.rtol);
    if (!same) return same << " [" << where << ": gradient of '" << key << "']";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace deepfin::parity
