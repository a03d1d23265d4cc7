#include "io/npy_format.h"

#include <fmt/format.h>

#include <limits>

#include "io/bytes.h"
#include "io/npy_header.h"

namespace deepfin::io::detail {
namespace {

// Converts `count` stored elements of type Src (in file byte order) into Dst.
template <class Src, class Dst>
void convert(const unsigned char* src, size_t count, bool swap, Dst* dst, const std::string& where) {
  for (size_t i = 0; i < count; ++i) {
    Src v;
    std::memcpy(&v, src + i * sizeof(Src), sizeof(Src));
    if (swap) byteswap_elements(&v, 1, sizeof(Src));
    if constexpr (std::is_same_v<Src, uint64_t>) {
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw FileError(fmt::format("{}: uint64 value {} at element {} does not fit in int64", where, v, i));
    }
    dst[i] = static_cast<Dst>(v);
  }
}

// The dtype a stored kind loads as: ints and bools as int64, floats as float32 (float64 stays).
DType target_dtype(const NpyHeader& h) {
  if (h.kind == 'f') return h.item_size == 8 ? DType::float64 : DType::float32;
  return DType::int64;
}

void decode_elements(const NpyHeader& h, const unsigned char* src, size_t count, void* dst, const std::string& where) {
  const bool swap = h.byte_order == '>';
  if (h.kind == 'f') {
    if (h.item_size == 2) {
      auto* out = static_cast<float*>(dst);
      for (size_t i = 0; i < count; ++i) {
        uint16_t v;
        std::memcpy(&v, src + 2 * i, 2);
        if (swap) v = static_cast<uint16_t>((v >> 8) | (v << 8));
        out[i] = half_to_float(v);
      }
    } else if (h.item_size == 4) {
      convert<float>(src, count, swap, static_cast<float*>(dst), where);
    } else {
      convert<double>(src, count, swap, static_cast<double*>(dst), where);
    }
    return;
  }
  auto* out = static_cast<int64_t*>(dst);
  if (h.kind == 'b') {
    for (size_t i = 0; i < count; ++i) out[i] = src[i] != 0;
    return;
  }
  const bool is_signed = h.kind == 'i';
  switch (h.item_size) {
    case 1:
      return is_signed ? convert<int8_t>(src, count, swap, out, where) : convert<uint8_t>(src, count, swap, out, where);
    case 2:
      return is_signed ? convert<int16_t>(src, count, swap, out, where)
                       : convert<uint16_t>(src, count, swap, out, where);
    case 4:
      return is_signed ? convert<int32_t>(src, count, swap, out, where)
                       : convert<uint32_t>(src, count, swap, out, where);
    default:
      return is_signed ? convert<int64_t>(src, count, swap, out, where)
                       : convert<uint64_t>(src, count, swap, out, where);
  }
}

const char* descr_of(DType t) {
  switch (t) {
    case DType::float32:
      return "<f4";
    case DType::float64:
      return "<f8";
    default:
      return "<i8";
  }
}

}  // namespace

Tensor decode_npy(const unsigned char* data, size_t size, const std::string& where) {
  const NpyHeader h = parse_npy_header(data, size, where);
  check_declared_shape(h.shape, where);
  // Element count with overflow checks: a corrupt shape must not wrap around.
  uint64_t count = 1;
  for (int64_t d : h.shape) {
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / 8 / static_cast<uint64_t>(d))
      throw FileError(fmt::format("{}: shape {} is too large", where, shape_str(h.shape)));
    count *= static_cast<uint64_t>(d);
  }
  const uint64_t data_bytes = count * h.item_size;
  const uint64_t available = size - h.data_offset;
  if (available < data_bytes)
    throw FileError(fmt::format("{}: truncated: shape {} of '{}' needs {} data bytes, the file has {}", where,
                                shape_str(h.shape), h.descr, data_bytes, available));
  if (available > data_bytes)
    throw FileError(fmt::format("{}: corrupt: {} unexpected bytes after the data of shape {} '{}'", where,
                                available - data_bytes, shape_str(h.shape), h.descr));

  const DType dtype = target_dtype(h);
  const unsigned char* src = data + h.data_offset;
  if (!h.fortran_order) {
    Tensor out = Tensor::empty(h.shape, dtype);
    decode_elements(h, src, count, out.raw_data(), where);
    return out;
  }
  // Fortran order is C order of the reversed shape; decode, then gather into C order.
  Shape reversed(h.shape.rbegin(), h.shape.rend());
  Tensor column_major = Tensor::empty(reversed, dtype);
  decode_elements(h, src, count, column_major.raw_data(), where);
  Strides strides(h.shape.size());
  int64_t stride = 1;
  for (size_t d = 0; d < h.shape.size(); ++d) {
    strides[d] = stride;
    stride *= h.shape[d];
  }
  Tensor out = Tensor::empty(h.shape, dtype);
  copy_strided(static_cast<const char*>(column_major.raw_data()), dtype_size(dtype), h.shape, strides,
               static_cast<char*>(out.raw_data()));
  return out;
}

std::string encode_npy(const Tensor& t) {
  std::string shape = "(";
  for (size_t i = 0; i < t.shape().size(); ++i) shape += std::to_string(t.shape()[i]) + (t.dim() == 1 ? "," : ", ");
  if (t.dim() > 1) shape.resize(shape.size() - 2);
  shape += ")";
  std::string dict =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr_of(t.dtype()), shape);
  // Pad with spaces and end with '\n' so the data starts on a 64-byte boundary, as numpy does.
  const bool v2 = dict.size() + 1 + 10 > 65535;
  const size_t preamble = v2 ? 12 : 10;
  const size_t total = (preamble + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - preamble - dict.size() - 1, ' ');
  dict += '\n';

  std::string out = "\x93NUMPY";
  out.push_back(v2 ? 2 : 1);
  out.push_back(0);
  if (v2)
    put_u32le(out, static_cast<uint32_t>(dict.size()));
  else
    put_u16le(out, static_cast<uint16_t>(dict.size()));
  out += dict;
  out += tensor_bytes(t);
  return out;
}

}  // namespace deepfin::io::detail
