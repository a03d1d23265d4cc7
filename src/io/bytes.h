#pragma once
// Internal helpers for the file readers: whole-file reads, bounds-checked
// little/big-endian field access, and copying a strided tensor to C order.
// Every failure is a FileError that names the file (or archive member).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "deepfin/core/tensor.h"

namespace deepfin::io::detail {

// A read-only file for formats that locate their data through a header, so big
// payloads go straight into tensor storage instead of through a whole-file buffer.
class InputFile {
 public:
  explicit InputFile(const std::string& path);  // FileError naming the path
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  uint64_t size() const { return size_; }
  // Reads exactly n bytes at `offset`; FileError ("truncated", naming `what`) otherwise.
  void read_at(uint64_t offset, void* dst, size_t n, const std::string& what);

 private:
  std::string path_;
  FILE* file_ = nullptr;
  uint64_t size_ = 0;
};

// A cursor over a byte range that refuses to read past its end.
class ByteReader {
 public:
  ByteReader(const unsigned char* data, size_t size, std::string where)
      : data_(data), size_(size), where_(std::move(where)) {}

  size_t pos() const { return pos_; }
  size_t size() const { return size_; }
  size_t remaining() const { return size_ - pos_; }
  const std::string& where() const { return where_; }
  void seek(size_t pos, const char* what);
  // Pointer to the next n bytes, advancing past them; FileError "truncated" otherwise.
  const unsigned char* take(size_t n, const char* what);

  uint8_t u8(const char* what) { return *take(1, what); }
  uint16_t u16le(const char* what);
  uint32_t u32le(const char* what);
  uint64_t u64le(const char* what);
  uint32_t u32be(const char* what);

 private:
  const unsigned char* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string where_;
};

// A shape read from a file header: FileError naming `where` when its nonzero
// dimensions multiply past 2^45 elements (more than any machine holds; the strides
// of such a shape would overflow even when a zero dimension leaves it empty).
void check_declared_shape(const Shape& shape, const std::string& where);

// Reverses the bytes of each of `count` elements of `elem_size` bytes, in place.
void byteswap_elements(void* data, size_t count, size_t elem_size);

// Writes the elements of the view (shape, element strides, base pointer already
// at the view's first element) into `dst` in row-major order.
void copy_strided(const char* src, size_t elem_size, const Shape& shape, const Strides& strides, char* dst);

// The elements of `t` in row-major order, as raw bytes (handles any strides).
std::string tensor_bytes(const Tensor& t);

// IEEE half to float, including subnormals, infinities and NaN.
float half_to_float(uint16_t h);

inline void put_u16le(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
inline void put_u32le(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void put_u64le(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace deepfin::io::detail
