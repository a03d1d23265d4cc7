// The C++ side of the Python parity test (test_parity_cpp.py): the same small
// CNN, seed, data and fit options as the test's Python code, through the C++ API.
// Usage: reference_fit X.npy Y.npy OUT.safetensors SEED EPOCHS BATCH
#include <deepfin/deepfin.h>

#include <cstdio>
#include <string>

using namespace deepfin;

int main(int argc, char** argv) try {
  if (argc != 7) {
    std::fprintf(stderr, "usage: reference_fit X.npy Y.npy OUT.safetensors SEED EPOCHS BATCH\n");
    return 2;
  }
  set_random_seed(std::stoull(argv[4]));
  const Tensor x = io::load_npy(argv[1]), y = io::load_npy(argv[2]);
  Sequential model({
      layers::Conv2D(4, {3, 3}, {.activation = "relu", .input_shape = {8, 8, 1}}),
      layers::MaxPooling2D({2, 2}),
      layers::Flatten(),
      layers::Dense(3, {.activation = "softmax"}),
  });
  model.compile(
      {.optimizer = optim::Adam({.learning_rate = 0.01}), .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  model.fit(x, y, {.epochs = std::stoi(argv[5]), .batch_size = std::stoll(argv[6]), .verbose = 0});
  model.save(argv[3]);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "reference_fit: %s\n", e.what());
  return 1;
}
