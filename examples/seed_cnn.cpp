// The seed's Keras example, line for line, in C++:
//
//   data = np.load('data.npy'); labels = np.load('labels.npy')
//   x_train, x_test, y_train, y_test = train_test_split(data, labels, test_size=0.2)
//   model = Sequential([Conv2D(32, (3,3), activation='relu', input_shape=(28,28,1)),
//                       MaxPooling2D((2,2)), Flatten(), Dense(10, activation='softmax')])
//   model.compile(optimizer=Adam(lr=0.001), loss='categorical_crossentropy', metrics=['accuracy'])
//   model.fit(x_train, y_train, epochs=10, batch_size=32, validation_data=(x_test, y_test))
//   predictions = model.predict(x_test)
//
// Usage: seed_cnn [data.npy labels.npy]   (without arguments: the Fashion-MNIST package)
#include <deepfin/deepfin.h>

#include <cstdio>

using namespace deepfin;

int main(int argc, char** argv) try {
  use_passive_openmp_waiting(argv);  // idle threads sleep instead of spinning
  set_random_seed(42);
  Tensor x_train, x_test, y_train, y_test;
  if (argc == 3) {
    Tensor data = io::load_npy(argv[1]);
    Tensor labels = data::to_categorical(io::load_npy(argv[2]), 10);
    auto split = data::train_test_split(data, labels, {.test_size = 0.2, .seed = 42});
    x_train = split.x_train, x_test = split.x_test, y_train = split.y_train, y_test = split.y_test;
  } else {
    auto d = data::load_fashion_mnist();
    x_train = d.x_train, y_train = d.y_train, x_test = d.x_test, y_test = d.y_test;
  }

  Sequential model({
      layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}),
      layers::MaxPooling2D({2, 2}),
      layers::Flatten(),
      layers::Dense(10, {.activation = "softmax"}),
  });
  model.compile({.optimizer = optim::Adam({.learning_rate = 0.001}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  std::printf("%s\n", model.summary().c_str());
  History history =
      model.fit(x_train, y_train, {.epochs = 10, .batch_size = 32, .validation_data = {{x_test, y_test}}});
  Tensor predictions = model.predict(x_test);

  Tensor predicted = argmax(predictions, -1), truth = argmax(y_test, -1);
  const auto p = predicted.to_vector<int64_t>(), t = truth.to_vector<int64_t>();
  int64_t hits = 0;
  for (size_t i = 0; i < p.size(); ++i) hits += p[i] == t[i];
  std::printf("test accuracy: %.4f\n", static_cast<double>(hits) / static_cast<double>(p.size()));
  model.save("seed_cnn.safetensors");
  return 0;
} catch (const deepfin::Error& e) {
  std::fprintf(stderr, "seed_cnn: error: %s\n", e.what());
  return 1;
}
