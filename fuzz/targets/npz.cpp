// .npz: the zip directory, local headers, deflate streams, CRCs, and each member's .npy.
#include "deepfin/io/npy.h"
#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(npz) {
  return deepfin::fuzz::run_target("npz",
                                   [&] { deepfin::io::load_npz(deepfin::fuzz::scratch_file(data, size, ".npz")); });
}
