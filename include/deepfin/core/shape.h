#pragma once
// Shapes and strides, and the small rules every op shares: element counts,
// broadcasting and axis normalisation, each with errors that name the op.
#include <cstdint>
#include <string>
#include <vector>

namespace deepfin {

using Shape = std::vector<int64_t>;
using Strides = std::vector<int64_t>;

int64_t shape_numel(const Shape& shape);
std::string shape_str(const Shape& shape);  // "(32, 28, 28, 1)"
Strides contiguous_strides(const Shape& shape);

// NumPy broadcasting of two shapes; ShapeError names `op` and both shapes.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// Maps a possibly negative axis into [0, ndim); IndexError names `op`, the axis and the bounds.
int64_t normalize_axis(int64_t axis, int64_t ndim, const char* op);

// Checks every dimension is >= 0; ValueError names `op`.
void check_shape_valid(const Shape& shape, const char* op);

// Whether the nonzero dimensions multiply to at most 2^45 elements (more than any
// machine holds). Zero dimensions are left out: (0, 2^62, 2^62) holds no element,
// yet its strides would overflow.
bool shape_within_limit(const Shape& shape);

}  // namespace deepfin
