#include "deepfin/io/idx.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <limits>
#include <memory>

#include "io/bytes.h"

namespace deepfin::io {
namespace {

struct GzFile {
  gzFile f;
  explicit GzFile(const std::string& path) : f(gzopen(path.c_str(), "rb")) {}
  ~GzFile() {
    if (f) gzclose(f);
  }
};

// Reads up to `n` bytes; returns how many were read, FileError on a decompression error.
size_t read_some(GzFile& gz, unsigned char* dst, size_t n, const std::string& path) {
  size_t total = 0;
  while (total < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - total, 1u << 30));
    const int got = gzread(gz.f, dst + total, chunk);
    if (got < 0) {
      int err = 0;
      const char* msg = gzerror(gz.f, &err);
      throw FileError(fmt::format("{}: corrupt or truncated gzip data: {}", path, msg ? msg : "read error"));
    }
    if (got == 0) break;
    total += static_cast<size_t>(got);
  }
  // gzread reports a truncated gzip stream as a short read plus an error state.
  int err = 0;
  const char* msg = gzerror(gz.f, &err);
  if (err != Z_OK && err != Z_STREAM_END)
    throw FileError(fmt::format("{}: corrupt or truncated gzip data: {}", path, msg ? msg : "read error"));
  return total;
}

struct IdxType {
  size_t size;
  const char* name;
};

IdxType idx_type(uint8_t code, const std::string& path) {
  switch (code) {
    case 0x08:
      return {1, "uint8"};
    case 0x09:
      return {1, "int8"};
    case 0x0B:
      return {2, "int16"};
    case 0x0C:
      return {4, "int32"};
    case 0x0D:
      return {4, "float32"};
    case 0x0E:
      return {8, "float64"};
    default:
      throw FileError(fmt::format("{}: bad IDX magic: unknown element type 0x{:02X}", path, code));
  }
}

template <class Dst>
void convert(uint8_t code, const unsigned char* src, size_t count, Dst* dst) {
  auto load = [&](auto tag, size_t i) {
    using S = decltype(tag);
    S v;
    std::memcpy(&v, src + i * sizeof(S), sizeof(S));
    detail::byteswap_elements(&v, 1, sizeof(S));  // IDX is big-endian
    return static_cast<Dst>(v);
  };
  for (size_t i = 0; i < count; ++i) {
    switch (code) {
      case 0x08:
        dst[i] = static_cast<Dst>(src[i]);
        break;
      case 0x09:
        dst[i] = static_cast<Dst>(static_cast<int8_t>(src[i]));
        break;
      case 0x0B:
        dst[i] = load(int16_t{}, i);
        break;
      case 0x0C:
        dst[i] = load(int32_t{}, i);
        break;
      case 0x0D:
        dst[i] = load(float{}, i);
        break;
      default:
        dst[i] = load(double{}, i);
        break;
    }
  }
}

}  // namespace

Tensor load_idx(const std::string& path, DType out, int64_t limit) {
  GzFile gz(path);
  if (!gz.f) {
    const int err = errno;
    throw FileError(fmt::format("cannot open {}: {}", path, std::strerror(err)), err);
  }
  unsigned char magic[4];
  if (read_some(gz, magic, 4, path) != 4)
    throw FileError(fmt::format("{}: truncated: no complete 4-byte IDX magic", path));
  if (magic[0] != 0 || magic[1] != 0)
    throw FileError(fmt::format("{}: bad IDX magic {:02X} {:02X} {:02X} {:02X} (must start with two zero bytes)", path,
                                magic[0], magic[1], magic[2], magic[3]));
  const IdxType type = idx_type(magic[2], path);
  const int ndim = magic[3];
  if (ndim == 0) throw FileError(fmt::format("{}: bad IDX header: zero dimensions", path));

  std::vector<unsigned char> dims_raw(4 * static_cast<size_t>(ndim));
  if (read_some(gz, dims_raw.data(), dims_raw.size(), path) != dims_raw.size())
    throw FileError(fmt::format("{}: truncated: header declares {} dimensions but ends early", path, ndim));
  detail::ByteReader r(dims_raw.data(), dims_raw.size(), path);
  Shape shape;
  uint64_t count = 1;
  for (int d = 0; d < ndim; ++d) {
    const uint32_t dim = r.u32be("dimension");
    if (dim > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()))
      throw FileError(
          fmt::format("{}: bad IDX header: dimension {} is negative ({})", path, d, static_cast<int32_t>(dim)));
    shape.push_back(dim);
  }
  detail::check_declared_shape(shape, path);
  const bool partial = limit >= 0 && limit < shape[0];  // then trailing data is expected
  if (partial) shape[0] = limit;
  for (int64_t d : shape) {
    if (d != 0 && count > (uint64_t{1} << 40) / static_cast<uint64_t>(d))
      throw FileError(fmt::format("{}: bad IDX header: shape {} is implausibly large", path, shape_str(shape)));
    count *= static_cast<uint64_t>(d);
  }

  // Read one byte past what the (full) header declares, to detect trailing data.
  const size_t want = count * type.size;
  // Grow the buffer as data arrives, so a corrupt header cannot make us
  // allocate far more memory than the file holds.
  const size_t wanted = partial ? want : want + 1;
  constexpr size_t kChunk = size_t{1} << 24;
  std::vector<unsigned char> raw;
  size_t got = 0;
  while (got < wanted) {
    const size_t step = std::min(kChunk, wanted - got);
    raw.resize(got + step);
    const size_t n = read_some(gz, raw.data() + got, step, path);
    got += n;
    if (n < step) break;
  }
  if (got < want)
    throw FileError(fmt::format("{}: truncated: dims {} of {} need {} data bytes, found only {}", path,
                                shape_str(shape), type.name, want, got));
  if (!partial && got > want)
    throw FileError(fmt::format("{}: dims {} do not match the data: more than {} data bytes follow the header", path,
                                shape_str(shape), want));

  if (!is_floating(out) && (magic[2] == 0x0D || magic[2] == 0x0E))
    throw DTypeError(
        fmt::format("load_idx: {} holds {} data, which cannot load as {}", path, type.name, dtype_name(out)));
  Tensor t = Tensor::empty(shape, out);
  dispatch_dtype(out, [&](auto tag) {
    using T = decltype(tag);
    convert<T>(magic[2], raw.data(), count, static_cast<T*>(t.raw_data()));
  });
  return t;
}

}  // namespace deepfin::io
