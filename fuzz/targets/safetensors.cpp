// The model file: the safetensors header and tensor table, the checksums, then the
// model built from its metadata (config, attachments, compile config) and weights.
#include "deepfin/io/safetensors.h"

#include "deepfin/models/model.h"
#include "fuzz_target.h"

DEEPFIN_FUZZ_TARGET(safetensors) {
  return deepfin::fuzz::run_target("safetensors", [&] {
    const std::string path = deepfin::fuzz::scratch_file(data, size, ".safetensors");
    deepfin::io::load_safetensors(path);
    deepfin::models::load_model(path);
  });
}
