#pragma once
// embedding_lookup(table, ids): rows of a (vocab, dim) table for int64 ids of any
// shape, output ids.shape + (dim), as deepfin::embedding. The difference is backward:
// when the table is a leaf (a layer's weight), its gradient rows are added
// straight into table.grad() (created as zeros if missing), where the engine
// would otherwise receive a dense (vocab, dim) gradient to zero, fill and add:
// for a 10,000 x 128 table and 2,048 ids per step that is 15 MB of memory
// traffic instead of 1 MB. The gradient is the same (ids repeat: rows add, in id
// order). A non-leaf table gets the ordinary dense gradient.
#include "deepfin/core/tensor.h"

namespace deepfin {

// ShapeError unless table is 2-D; DTypeError unless ids are int64 and table is
// floating; IndexError naming the position of an id outside [0, vocab).
Tensor embedding_lookup(const Tensor& table, const Tensor& ids);

}  // namespace deepfin
