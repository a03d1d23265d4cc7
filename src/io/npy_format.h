#pragma once
// The .npy encoding, on byte buffers, shared by the .npy and .npz front ends.
#include <string>

#include "deepfin/core/tensor.h"

namespace deepfin::io::detail {

// Decodes a whole .npy image. `where` names the file (or "archive.npz:member")
// in every FileError.
Tensor decode_npy(const unsigned char* data, size_t size, const std::string& where);

// Encodes `t` as a .npy image (format 1.0, or 2.0 when the header needs it), little-endian, C order.
std::string encode_npy(const Tensor& t);

}  // namespace deepfin::io::detail
