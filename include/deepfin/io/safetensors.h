#pragma once
// The safetensors format (the deepfin model file): an 8-byte little-endian header
// length N, N bytes of JSON {"__metadata__": {str: str}, name: {"dtype", "shape",
// "data_offsets": [begin, end]}, ...} padded with spaces to 8-byte alignment,
// then the tensor bytes (little-endian, C order). dtypes: F32, F64, I64; F16 and BF16
// (as other writers store weights) are read, widened exactly to float32.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::io {

struct SafetensorsFile {
  std::vector<std::pair<std::string, Tensor>> tensors;  // in file (offset) order
  std::map<std::string, std::string> metadata;
};

// Writes atomically; tensors are laid out in the given order. ValueError for
// duplicate or reserved names.
void save_safetensors(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Checks every bound before reading anything: header length against the file
// size (and a 100 MB cap), the JSON, each tensor's dtype, shape and offsets
// (inside the data section, matching dtype x shape, no overlaps or gaps).
// FileError names the path and, where it applies, the tensor.
SafetensorsFile load_safetensors(const std::string& path);

}  // namespace deepfin::io
