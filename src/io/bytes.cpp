#include "io/bytes.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <memory>

namespace deepfin::io::detail {

static_assert(std::endian::native == std::endian::little, "deepfin's file readers assume a little-endian host");

InputFile::InputFile(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "rb")) {
  if (!file_) {
    const int err = errno;
    throw FileError(fmt::format("cannot open {}: {}", path, std::strerror(err)), err);
  }
  if (::fseeko(file_, 0, SEEK_END) != 0) {
    std::fclose(file_);
    throw FileError(fmt::format("cannot read {}: not a seekable file", path));
  }
  size_ = static_cast<uint64_t>(::ftello(file_));
}

InputFile::~InputFile() {
  std::fclose(file_);
}

void InputFile::read_at(uint64_t offset, void* dst, size_t n, const std::string& what) {
  if (offset > size_ || n > size_ - offset)
    throw FileError(
        fmt::format("{}: truncated: {} needs {} bytes at offset {}, the file has {}", path_, what, n, offset, size_));
  if (n == 0) return;
  if (::fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0 || std::fread(dst, 1, n, file_) != n) {
    const int err = std::feof(file_) ? 0 : errno;  // EISDIR for a folder, EIO, ...
    throw FileError(fmt::format("{}: cannot read {} ({} bytes at offset {}): {}", path_, what, n, offset,
                                err == 0 ? "file shrank while reading" : std::strerror(err)),
                    err);
  }
}

void ByteReader::seek(size_t pos, const char* what) {
  if (pos > size_)
    throw FileError(fmt::format("{}: truncated or corrupt: {} at offset {} lies past the end ({} bytes)", where_, what,
                                pos, size_));
  pos_ = pos;
}

const unsigned char* ByteReader::take(size_t n, const char* what) {
  if (n > size_ - pos_)
    throw FileError(fmt::format("{}: truncated: {} needs {} bytes at offset {}, only {} remain", where_, what, n, pos_,
                                size_ - pos_));
  const unsigned char* p = data_ + pos_;
  pos_ += n;
  return p;
}

uint16_t ByteReader::u16le(const char* what) {
  const unsigned char* p = take(2, what);
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

uint32_t ByteReader::u32le(const char* what) {
  const unsigned char* p = take(4, what);
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

uint64_t ByteReader::u64le(const char* what) {
  const uint64_t lo = u32le(what);
  const uint64_t hi = u32le(what);
  return lo | (hi << 32);
}

uint32_t ByteReader::u32be(const char* what) {
  const unsigned char* p = take(4, what);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void check_declared_shape(const Shape& shape, const std::string& where) {
  if (!shape_within_limit(shape))
    throw FileError(fmt::format("{}: declared shape {} is too large (corrupt header?)", where, shape_str(shape)));
}

void byteswap_elements(void* data, size_t count, size_t elem_size) {
  if (elem_size <= 1) return;
  auto* p = static_cast<unsigned char*>(data);
  for (size_t i = 0; i < count; ++i, p += elem_size) std::reverse(p, p + elem_size);
}

void copy_strided(const char* src, size_t elem_size, const Shape& shape, const Strides& strides, char* dst) {
  const int64_t n = shape_numel(shape);
  if (n == 0) return;
  const size_t ndim = shape.size();
  std::vector<int64_t> index(ndim, 0);
  int64_t offset = 0;  // in elements, follows `index`
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst + i * elem_size, src + offset * static_cast<int64_t>(elem_size), elem_size);
    // Odometer increment over the multi-index, last axis fastest.
    for (size_t d = ndim; d-- > 0;) {
      if (++index[d] < shape[d]) {
        offset += strides[d];
        break;
      }
      offset -= strides[d] * (shape[d] - 1);
      index[d] = 0;
    }
  }
}

std::string tensor_bytes(const Tensor& t) {
  const size_t elem = dtype_size(t.dtype());
  std::string out(static_cast<size_t>(t.numel()) * elem, '\0');
  if (out.empty()) return out;
  const char* src = static_cast<const char*>(t.raw_data());
  if (t.is_contiguous())
    std::memcpy(out.data(), src, out.size());
  else
    copy_strided(src, elem, t.shape(), t.strides(), out.data());
  return out;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t{h & 0x8000u} << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);  // inf or NaN
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);  // rebias 15 -> 127
  } else if (mant == 0) {
    bits = sign;  // signed zero
  } else {
    // Subnormal half: normalise the mantissa into a float exponent.
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while ((mant & 0x400u) == 0);
    bits = sign | static_cast<uint32_t>(112 - e) << 23 | ((mant & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace deepfin::io::detail
