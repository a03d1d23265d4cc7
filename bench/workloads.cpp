// The deepfin side of bench/run.py: runs one named workload and prints one
// JSON line with its timings. The PyTorch twin is bench/torch_workloads.py;
// both build the same models on the same shapes with the same batch sizes.
//
//   bench_workloads WORKLOAD [--threads N] [--repeats R]
//   workloads: cnn_train cnn_predict_b1 cnn_predict_b1000 mlp_train mlp_predict_b1
//              lstm_train lstm_predict_b1 transformer_train transformer_predict_b1 peak
#include <deepfin/deepfin.h>
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace deepfin;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Times fn `repeats` times after one warm-up; returns seconds per call.
std::vector<double> time_calls(const std::function<void()>& fn, int repeats) {
  fn();
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const double s = now();
    fn();
    t.push_back(now() - s);
  }
  return t;
}

void print_result(const char* name, const char* unit, double work_per_call, const std::vector<double>& seconds) {
  std::printf("{\"workload\": \"%s\", \"unit\": \"%s\", \"work_per_call\": %g, \"seconds\": [", name, unit,
              work_per_call);
  for (size_t i = 0; i < seconds.size(); ++i) std::printf("%s%.9g", i ? ", " : "", seconds[i]);
  std::printf("], \"threads\": %d}\n", get_num_threads());
}

std::shared_ptr<Sequential> seed_cnn() {
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Conv2D(32, {3, 3}, {.activation = "relu", .input_shape = {28, 28, 1}}),
      layers::MaxPooling2D({2, 2}),
      layers::Flatten(),
      layers::Dense(10, {.activation = "softmax"}),
  });
  m->compile({.optimizer = optim::Adam({.learning_rate = 0.001}), .loss = "categorical_crossentropy"});
  return m;
}

std::shared_ptr<Sequential> mlp() {
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Dense(64, {.activation = "relu", .input_shape = {30}}),
      layers::Dense(32, {.activation = "relu"}),
      layers::Dense(1, {.activation = "sigmoid"}),
  });
  m->compile({.optimizer = optim::Adam({.learning_rate = 0.001}), .loss = "binary_crossentropy"});
  return m;
}

// Investment analysis: LSTM(64) over 60-step windows of 8 features, one
// regression output (next-period return), MSE + Adam.
std::shared_ptr<Sequential> lstm_forecaster() {
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::LSTM(64, {.input_shape = {60, 8}}),
      layers::Dense(1),
  });
  m->compile({.optimizer = optim::Adam({.learning_rate = 0.001}), .loss = "mse"});
  return m;
}

// Text classification (financial news sentiment): 64 token ids from a 10,000
// word vocabulary -> learned positions -> 2 post-norm encoder blocks (4 heads,
// d_model 128, FFN 256, gelu, dropout 0.1: torch's default) -> mean over the
// sequence -> 3 classes. Sparse categorical cross-entropy + Adam.
constexpr int64_t kVocabulary = 10000, kSequence = 64, kModelDim = 128;

std::shared_ptr<Sequential> transformer_classifier() {
  const nn::TransformerEncoderOptions block{.dropout = 0.1, .activation = "gelu"};
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Embedding(kVocabulary, kModelDim, {.input_shape = {kSequence}}),
      layers::PositionalEmbedding(kSequence),
      layers::TransformerEncoder(4, 256, block),
      layers::TransformerEncoder(4, 256, block),
      layers::GlobalAveragePooling1D(),
      layers::Dense(3, {.activation = "softmax"}),
  });
  m->compile({.optimizer = optim::Adam({.learning_rate = 0.001}), .loss = "sparse_categorical_crossentropy"});
  return m;
}

// (n, kSequence) int64 token ids in [1, kVocabulary), from a fixed LCG.
Tensor token_ids(int64_t n) {
  std::vector<int64_t> ids(static_cast<size_t>(n * kSequence));
  uint64_t s = 12345;
  for (auto& id : ids) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    id = 1 + static_cast<int64_t>((s >> 33) % (kVocabulary - 1));
  }
  return from_vector(ids, {n, kSequence});
}

// One fit() epoch over `n` random samples; work = samples.
void train_rows(const char* name, std::shared_ptr<Sequential> model, const Shape& x_shape, const Tensor& y,
                int64_t batch, int repeats) {
  Tensor x = rand_uniform(x_shape, 0.0, 1.0);
  const int64_t n = x_shape[0];
  auto fit_once = [&] { model->fit(x, y, {.epochs = 1, .batch_size = batch, .verbose = 0}); };
  print_result(name, "samples", static_cast<double>(n), time_calls(fit_once, repeats));
}

void predict_rows(const char* name, std::shared_ptr<Sequential> model, const Shape& x_shape, int repeats) {
  Tensor x = rand_uniform(x_shape, 0.0, 1.0);
  auto once = [&] { model->predict(x, x_shape[0]); };
  print_result(name, "samples", static_cast<double>(x_shape[0]), time_calls(once, repeats));
}

// FMA peak of this machine with the current thread count: independent
// accumulator chains so the FMA units, not latency, are the limit. AVX-512 where
// the build has it (oneDNN uses it, and on cores with full-width 512-bit FMA units
// the 256-bit peak is only half the machine's).
#if defined(__AVX512F__)
using FmaVector = __m512;
constexpr int kLanes = 16;
inline FmaVector fma_set1(float v) {
  return _mm512_set1_ps(v);
}
inline FmaVector fma(FmaVector a, FmaVector b, FmaVector c) {
  return _mm512_fmadd_ps(a, b, c);
}
inline float fma_lane0(FmaVector a) {
  return _mm512_cvtss_f32(a);
}
#else
using FmaVector = __m256;
constexpr int kLanes = 8;
inline FmaVector fma_set1(float v) {
  return _mm256_set1_ps(v);
}
inline FmaVector fma(FmaVector a, FmaVector b, FmaVector c) {
  return _mm256_fmadd_ps(a, b, c);
}
inline float fma_lane0(FmaVector a) {
  return _mm256_cvtss_f32(a);
}
#endif

void peak(int repeats) {
  constexpr int64_t kIters = 20'000'000;
  auto once = [&] {
    float sink = 0;
#pragma omp parallel reduction(+ : sink)
    {
      FmaVector acc[10];
      for (auto& a : acc) a = fma_set1(1.0f);
      const FmaVector m = fma_set1(0.999999f), c = fma_set1(1e-7f);
      for (int64_t i = 0; i < kIters / 10; ++i)
        for (auto& a : acc) a = fma(a, m, c);
      for (auto& a : acc) sink += fma_lane0(a);
    }
    if (sink == 42.0f) std::printf(" ");
  };
  const double flops = static_cast<double>(kIters) * kLanes * 2 * get_num_threads();
  print_result("peak", "flop", flops, time_calls(once, repeats));
}

}  // namespace

int main(int argc, char** argv) try {
  use_passive_openmp_waiting(argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_workloads WORKLOAD [--threads N] [--repeats R]\n");
    return 2;
  }
  const std::string w = argv[1];
  int repeats = 5;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--threads")) set_num_threads(std::atoi(argv[i + 1]));
    if (!std::strcmp(argv[i], "--repeats")) repeats = std::atoi(argv[i + 1]);
  }
  set_random_seed(1);
  if (w == "cnn_train") {
    const int64_t n = 3200;
    Tensor labels = from_vector(std::vector<int64_t>(n, 3), {n});
    train_rows("cnn_train", seed_cnn(), {n, 28, 28, 1}, one_hot(labels, 10), 32, repeats);
  } else if (w == "cnn_predict_b1") {
    auto m = seed_cnn();
    Tensor x = rand_uniform({1, 28, 28, 1}, 0.0, 1.0);
    print_result("cnn_predict_b1", "samples", 1, time_calls([&] { m->predict(x, 1); }, repeats * 60));
  } else if (w == "cnn_predict_b1000") {
    predict_rows("cnn_predict_b1000", seed_cnn(), {1000, 28, 28, 1}, repeats);
  } else if (w == "mlp_train") {
    const int64_t n = 25600;
    train_rows("mlp_train", mlp(), {n, 30}, rand_uniform({n, 1}, 0.0, 1.0).to(DType::float32), 256, repeats);
  } else if (w == "mlp_predict_b1") {
    auto m = mlp();
    Tensor x = rand_uniform({1, 30}, 0.0, 1.0);
    print_result("mlp_predict_b1", "samples", 1, time_calls([&] { m->predict(x, 1); }, repeats * 400));
  } else if (w == "lstm_train") {
    const int64_t n = 1280;
    train_rows("lstm_train", lstm_forecaster(), {n, 60, 8}, rand_uniform({n, 1}, 0.0, 1.0).to(DType::float32), 64,
               repeats);
  } else if (w == "lstm_predict_b1") {
    auto m = lstm_forecaster();
    Tensor x = rand_uniform({1, 60, 8}, 0.0, 1.0);
    print_result("lstm_predict_b1", "samples", 1, time_calls([&] { m->predict(x, 1); }, repeats * 100));
  } else if (w == "transformer_train") {
    const int64_t n = 640;
    std::vector<int64_t> labels(n);
    for (int64_t i = 0; i < n; ++i) labels[i] = i % 3;
    auto m = transformer_classifier();
    Tensor x = token_ids(n), y = from_vector(labels, {n});
    auto fit_once = [&] { m->fit(x, y, {.epochs = 1, .batch_size = 32, .verbose = 0}); };
    print_result("transformer_train", "samples", static_cast<double>(n), time_calls(fit_once, repeats));
  } else if (w == "transformer_predict_b1") {
    auto m = transformer_classifier();
    Tensor x = token_ids(1);
    print_result("transformer_predict_b1", "samples", 1, time_calls([&] { m->predict(x, 1); }, repeats * 100));
  } else if (w == "peak") {
    peak(repeats);
  } else {
    std::fprintf(stderr, "unknown workload %s\n", w.c_str());
    return 2;
  }
  return 0;
} catch (const deepfin::Error& e) {
  std::fprintf(stderr, "bench_workloads: %s\n", e.what());
  return 1;
}
