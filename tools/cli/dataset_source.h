#pragma once
// Turns a job file's [data] table into train and test arrays.
#include "deepfin/data/fashion_mnist.h"
#include "job_file.h"

namespace deepfin::cli {

// Fashion-MNIST keeps its official 60,000/10,000 split; .npy/.npz data are
// split 80/20 (test_split) with the run's seed, as the seed example does.
data::Dataset load_job_data(const DataSpec& spec, uint64_t seed);

}  // namespace deepfin::cli
