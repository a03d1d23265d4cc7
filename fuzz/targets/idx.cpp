// IDX (MNIST-style), plain or gzip: magic, dimensions, element types, data size;
// loaded whole, and as the first rows only (the `limit` path).
#include "deepfin/io/idx.h"

#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(idx) {
  return deepfin::fuzz::run_target("idx", [&] {
    const std::string path = deepfin::fuzz::scratch_file(data, size, ".idx");
    try {
      deepfin::io::load_idx(path, deepfin::DType::float32);
    } catch (const deepfin::Error&) {
    }
    deepfin::io::load_idx(path, deepfin::DType::int64, 2);
  });
}
