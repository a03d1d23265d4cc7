#pragma once
// Reads the PyTorch parity fixtures that tests/parity/generate_fixtures.py writes:
// one JSON file per case, tensors stored as {"shape": [...], "dtype": "...", "data": [...]}.
#include <nlohmann/json.hpp>
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin::testing {

// Loads tests/parity/fixtures/<name>.json; FileError if missing.
nlohmann::json load_fixture(const std::string& name);
// Converts one stored tensor (float32 unless "dtype" says otherwise).
Tensor fixture_tensor(const nlohmann::json& j);

}  // namespace deepfin::testing
