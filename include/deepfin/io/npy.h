#pragma once
// NumPy .npy and .npz files, as Tensors.
//
// Reading accepts format versions 1.0/2.0/3.0, either byte order, C or Fortran
// order (Fortran arrays are returned C-contiguous), and the dtypes
//   f2 f4 -> float32, f8 -> float64, i1 i2 i4 i8 u1 u2 u4 u8 b1 -> int64.
// .npz members may be stored or deflate-compressed. Writing produces format 1.0,
// little-endian, C order ('<f4', '<f8', '<i8'), through an atomic file write.
// Any malformed, truncated or unsupported file raises FileError naming the path.
#include <map>
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin::io {

Tensor load_npy(const std::string& path);
void save_npy(const std::string& path, const Tensor& tensor);

// Member names are returned without their ".npy" suffix.
std::map<std::string, Tensor> load_npz(const std::string& path);
// Each tensor is stored as "<name>.npy"; `compressed` deflates them (np.savez_compressed).
void save_npz(const std::string& path, const std::map<std::string, Tensor>& tensors, bool compressed = false);

}  // namespace deepfin::io
