#include "testing/fixtures.h"

#include <fmt/format.h>

#include <fstream>

#include "testing/paths.h"

namespace deepfin::testing {

nlohmann::json load_fixture(const std::string& name) {
  const std::string path = deepfin::testing::test_data_dir() + "/parity/fixtures/" + name + ".json";
  std::ifstream in(path);
  if (!in) throw FileError(fmt::format("parity fixture not found: {} (run tests/parity/generate_fixtures.py)", path));
  return nlohmann::json::parse(in);
}

Tensor fixture_tensor(const nlohmann::json& j) {
  Shape shape = j.at("shape").get<Shape>();
  const std::string dtype = j.value("dtype", "float32");
  if (dtype == "int64") return from_vector(j.at("data").get<std::vector<int64_t>>(), shape);
  auto values = j.at("data").get<std::vector<double>>();
  if (dtype == "float64") return from_vector(values, shape);
  return from_vector(values, shape).to(DType::float32);
}

}  // namespace deepfin::testing
