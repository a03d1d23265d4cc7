#pragma once
// The IDX format of MNIST-style datasets: a 4-byte magic (0, 0, type, ndim),
// ndim big-endian int32 dimensions, then the big-endian data. Element types:
// 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
// Files may be gzip-compressed (.gz) or plain; both are read through zlib.
#include <cstdint>
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin::io {

// Loads the array converted to `out` (values are not rescaled). `limit` >= 0
// reads only the first `limit` items along axis 0. Truncated data, bad magic,
// and dimensions that disagree with the data raise FileError naming the path.
Tensor load_idx(const std::string& path, DType out = DType::float32, int64_t limit = -1);

}  // namespace deepfin::io
