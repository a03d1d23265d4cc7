// .npy: the header dictionary, dtypes, byte order, Fortran order, data size. An
// array that loads must survive a save and load unchanged.
#include "deepfin/io/npy.h"

#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(npy) {
  return deepfin::fuzz::run_target("npy", [&] {
    const deepfin::Tensor t = deepfin::io::load_npy(deepfin::fuzz::scratch_file(data, size, ".npy"));
    const std::string copy = deepfin::fuzz::scratch_file(nullptr, 0, ".copy.npy");
    deepfin::io::save_npy(copy, t);
    const deepfin::Tensor back = deepfin::io::load_npy(copy);
    if (back.shape() != t.shape() || back.dtype() != t.dtype()) std::abort();
  });
}
