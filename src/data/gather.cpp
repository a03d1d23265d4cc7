#include "data/gather.h"

#include <fmt/format.h>

#include <cstring>
#include <numeric>

#include "io/bytes.h"

namespace deepfin::data::detail {

Tensor contiguous_rows(const Tensor& t) {
  if (t.is_contiguous()) return t;
  Tensor out = Tensor::empty(t.shape(), t.dtype());
  io::detail::copy_strided(static_cast<const char*>(t.raw_data()), dtype_size(t.dtype()), t.shape(), t.strides(),
                           static_cast<char*>(out.raw_data()));
  return out;
}

Tensor gather_rows(const Tensor& t, const int64_t* rows, int64_t count) {
  Shape shape = t.shape();
  shape[0] = count;
  Tensor out = Tensor::empty(shape, t.dtype());
  const int64_t n = t.size(0);
  const size_t row_bytes = n == 0 ? 0 : static_cast<size_t>(t.numel() / n) * dtype_size(t.dtype());
  const char* src = static_cast<const char*>(t.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  for (int64_t i = 0; i < count; ++i) {
    if (rows[i] < 0 || rows[i] >= n)
      throw IndexError(fmt::format("gather_rows: row {} out of range [0, {})", rows[i], n));
    std::memcpy(dst + i * row_bytes, src + rows[i] * row_bytes, row_bytes);
  }
  return out;
}

void shuffle_indices(std::vector<int64_t>& indices, Generator& gen) {
  for (size_t i = indices.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(gen.below(i));
    std::swap(indices[i - 1], indices[j]);
  }
}

}  // namespace deepfin::data::detail
