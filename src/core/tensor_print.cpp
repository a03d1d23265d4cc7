// Readable printing, NumPy/PyTorch style, eliding the middle of long axes.
#include <fmt/format.h>

#include <sstream>

#include "deepfin/autograd/node.h"
#include "deepfin/core/tensor.h"

namespace deepfin {
namespace {

void print_axis(std::ostringstream& os, const Tensor& t, std::vector<int64_t>& index, size_t axis, int64_t max_per_axis,
                int indent) {
  const int64_t n = t.shape()[axis];
  const bool elide = n > max_per_axis;
  const int64_t head = elide ? max_per_axis / 2 : n;
  os << "[";
  for (int64_t i = 0; i < n; ++i) {
    if (elide && i == head) {
      os << "...";
      i = n - (max_per_axis - head);
      os << (axis + 1 == t.shape().size() ? ", " : ",\n" + std::string(indent + 1, ' '));
    }
    index[axis] = i;
    if (axis + 1 == t.shape().size()) {
      const double v = t.at(index);
      os << (t.dtype() == DType::int64 ? fmt::format("{}", static_cast<int64_t>(v)) : fmt::format("{:.4f}", v));
    } else {
      print_axis(os, t, index, axis + 1, max_per_axis, indent + 1);
    }
    if (i + 1 < n) os << (axis + 1 == t.shape().size() ? ", " : ",\n" + std::string(indent + 1, ' '));
  }
  os << "]";
}

}  // namespace

std::string Tensor::to_string(int64_t max_per_axis) const {
  if (!defined()) return "Tensor(undefined)";
  std::ostringstream os;
  os << "tensor(";
  if (dim() == 0) {
    os << (dtype() == DType::int64 ? fmt::format("{}", static_cast<int64_t>(item())) : fmt::format("{:.4f}", item()));
  } else {
    std::vector<int64_t> index(dim(), 0);
    print_axis(os, *this, index, 0, std::max<int64_t>(max_per_axis, 2), 7);
  }
  os << ", shape=" << shape_str(shape()) << ", dtype=" << dtype_name(dtype());
  if (grad_fn())
    os << ", grad_fn=" << grad_fn()->name();
  else if (requires_grad())
    os << ", requires_grad=true";
  os << ")";
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  return os << t.to_string();
}

}  // namespace deepfin
