// The deepfin side of bench/run.py: runs one named workload and prints one
// JSON line with its timings. The PyTorch twin is bench/torch_workloads.py;
// both build the same models on the same real data (bench/bench_data.py's .npy
// files), with the same batch sizes and the same subnormal handling.
//
//   bench_workloads WORKLOAD --data DIR [--threads N] [--repeats R] [--ftz]
//   workloads: cnn_train cnn_train_dp cnn_predict_b1 cnn_predict_b1000 mlp_train mlp_train_dp mlp_predict_b1
//              lstm_train lstm_predict_b1 transformer_train transformer_predict_b1 peak allreduce
// Under mpirun the *_train workloads train data-parallel over the ranks (the
// batch is the global batch, work the samples of all ranks; rank 0 prints),
// and `allreduce` times the gradient sum of bench/distributed.py's cost model.
// --ftz sets flush-to-zero and denormals-are-zero before any thread starts (the
// threads inherit it), as torch.set_flush_denormal(True) does on the other side.
#include <deepfin/deepfin.h>
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
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

// `params`: the model's trainable weights (the gradient an all-reduce sums), 0 if
// none; `first_params`: those of its first layer with weights, whose gradient is
// final last, so that its all-reduce cannot overlap backward.
void print_result(const char* name, const char* unit, double work_per_call, const std::vector<double>& seconds,
                  int64_t params = 0, int64_t first_params = 0) {
  if (train::world()->rank() != 0) return;
  std::printf("{\"workload\": \"%s\", \"unit\": \"%s\", \"work_per_call\": %g, \"seconds\": [", name, unit,
              work_per_call);
  for (size_t i = 0; i < seconds.size(); ++i) std::printf("%s%.9g", i ? ", " : "", seconds[i]);
  std::printf("], \"threads\": %d, \"ranks\": %d, \"params\": %lld, \"first_params\": %lld}\n", get_num_threads(),
              train::world()->size(), static_cast<long long>(params), static_cast<long long>(first_params));
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

// Credit scoring: the Lending Club rows' encoded features -> 64 -> 32 -> P(bad).
std::shared_ptr<Sequential> mlp(int64_t features) {
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Dense(64, {.activation = "relu", .input_shape = {features}}),
      layers::Dense(32, {.activation = "relu"}),
      layers::Dense(1, {.activation = "sigmoid"}),
  });
  m->compile({.optimizer = optim::Adam({.learning_rate = 0.001}), .loss = "binary_crossentropy"});
  return m;
}

// Investment analysis: LSTM(64) over the S&P 500's 60-day feature windows, one
// regression output (next day's return), MSE + Adam.
std::shared_ptr<Sequential> lstm_forecaster(const Shape& window) {
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::LSTM(64, {.input_shape = window}),
      layers::Dense(1),
  });
  m->compile({.optimizer = optim::Adam({.learning_rate = 0.001}), .loss = "mse"});
  return m;
}

// Customer-message routing (Banking77): 64 word ids (vocabulary below 10,000)
// -> learned positions -> 2 post-norm encoder blocks (4 heads, d_model 128,
// FFN 256, gelu, dropout 0.1: torch's default) -> mean over the sequence -> 77
// intents. Sparse categorical cross-entropy + Adam.
constexpr int64_t kVocabulary = 10000, kSequence = 64, kModelDim = 128, kIntents = 77;

std::shared_ptr<Sequential> transformer_classifier() {
  const nn::TransformerEncoderOptions block{.dropout = 0.1, .activation = "gelu"};
  auto m = std::make_shared<Sequential>(std::vector<std::shared_ptr<nn::Layer>>{
      layers::Embedding(kVocabulary, kModelDim, {.input_shape = {kSequence}}),
      layers::PositionalEmbedding(kSequence),
      layers::TransformerEncoder(4, 256, block),
      layers::TransformerEncoder(4, 256, block),
      layers::GlobalAveragePooling1D(),
      layers::Dense(kIntents, {.activation = "softmax"}),
  });
  m->compile({.optimizer = optim::Adam({.learning_rate = 0.001}), .loss = "sparse_categorical_crossentropy"});
  return m;
}

// The first `n` samples of a prepared array.
Tensor head(const Tensor& t, int64_t n) {
  return t.slice(0, 0, std::min(n, t.shape()[0])).contiguous();
}

// `epochs` fit() epochs per timed call; work = samples seen. With `privacy`,
// DP-SGD: Poisson batches of the same expected size, per-example clipping and
// noise (from OpenSSL, the default).
void train_rows(const char* name, const std::shared_ptr<Sequential>& model, const Tensor& x, const Tensor& y,
                int64_t batch, int epochs, int repeats, std::optional<privacy::PrivacyOptions> privacy = {}) {
  auto fit_once = [&] { model->fit(x, y, {.epochs = epochs, .batch_size = batch, .verbose = 0, .privacy = privacy}); };
  int64_t first = 0;
  for (const auto& layer : model->layers())
    if ((first = layer->count_params()) > 0) break;
  print_result(name, "samples", static_cast<double>(x.shape()[0] * epochs), time_calls(fit_once, repeats),
               model->count_trainable_params(), first);
}

// One predict() call on the first `n` samples; work = n.
void predict_rows(const char* name, const std::shared_ptr<Sequential>& model, const Tensor& x, int repeats) {
  auto once = [&] { model->predict(x, x.shape()[0]); };
  print_result(name, "samples", static_cast<double>(x.shape()[0]), time_calls(once, repeats));
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

// The sum over the ranks of float buffers from 4 KiB to 64 MiB (work: bytes),
// as fit() sums a gradient bucket: the alpha-beta model's two numbers.
void allreduce(int repeats) {
  auto comm = train::world();
  for (int64_t n = 1024; n <= (int64_t{16} << 20); n *= 4) {
    std::vector<float> buffer(static_cast<size_t>(n), 1.0f);
    auto once = [&] {
      comm->start_sum(buffer.data(), n);
      comm->finish_sums();
    };
    print_result("allreduce", "bytes", static_cast<double>(n) * 4, time_calls(once, repeats * 4));
  }
}

// Loads DIR/NAME.npy, written by bench/bench_data.py.
Tensor load_prepared(const std::string& dir, const std::string& name) {
  return io::load_npy(dir + "/" + name + ".npy");
}

}  // namespace

int main(int argc, char** argv) try {
  use_passive_openmp_waiting(argv);
  const train::MpiSession mpi;  // under mpirun: the ranks of a data-parallel run
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_workloads WORKLOAD --data DIR [--threads N] [--repeats R] [--ftz]\n");
    return 2;
  }
  const std::string w = argv[1];
  std::string dir;
  int repeats = 5;
  for (int i = 2; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--ftz")) _mm_setcsr(_mm_getcsr() | 0x8040);  // FTZ | DAZ
    if (!std::strcmp(argv[i], "--threads") && has_value) set_num_threads(std::atoi(argv[++i]));
    if (!std::strcmp(argv[i], "--repeats") && has_value) repeats = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--data") && has_value) dir = argv[++i];
  }
  set_random_seed(1);
  if (w == "cnn_train") {
    Tensor x = head(load_prepared(dir, "fashion_x_train"), 6400), y = head(load_prepared(dir, "fashion_y_train"), 6400);
    train_rows("cnn_train", seed_cnn(), x, one_hot(y, 10), 32, 1, repeats);
  } else if (w == "cnn_train_dp") {
    Tensor x = head(load_prepared(dir, "fashion_x_train"), 6400), y = head(load_prepared(dir, "fashion_y_train"), 6400);
    train_rows("cnn_train_dp", seed_cnn(), x, one_hot(y, 10), 32, 1, repeats,
               privacy::PrivacyOptions{.noise_multiplier = 1.0});
  } else if (w == "cnn_predict_b1") {
    auto m = seed_cnn();
    Tensor x = head(load_prepared(dir, "fashion_x_test"), 1);
    print_result("cnn_predict_b1", "samples", 1, time_calls([&] { m->predict(x, 1); }, repeats * 60));
  } else if (w == "cnn_predict_b1000") {
    predict_rows("cnn_predict_b1000", seed_cnn(), head(load_prepared(dir, "fashion_x_test"), 1000), repeats);
  } else if (w == "mlp_train") {
    Tensor x = load_prepared(dir, "credit_x"), y = load_prepared(dir, "credit_y");
    train_rows("mlp_train", mlp(x.shape()[1]), x, y, 256, 5, repeats);
  } else if (w == "mlp_train_dp") {
    Tensor x = load_prepared(dir, "credit_x"), y = load_prepared(dir, "credit_y");
    train_rows("mlp_train_dp", mlp(x.shape()[1]), x, y, 256, 5, repeats,
               privacy::PrivacyOptions{.noise_multiplier = 1.0});
  } else if (w == "mlp_predict_b1") {
    Tensor x = load_prepared(dir, "credit_x");
    auto m = mlp(x.shape()[1]);
    x = head(x, 1);
    print_result("mlp_predict_b1", "samples", 1, time_calls([&] { m->predict(x, 1); }, repeats * 400));
  } else if (w == "lstm_train") {
    Tensor x = load_prepared(dir, "sp500_x"), y = load_prepared(dir, "sp500_y");
    train_rows("lstm_train", lstm_forecaster({x.shape()[1], x.shape()[2]}), x, y, 64, 1, repeats);
  } else if (w == "lstm_predict_b1") {
    Tensor x = load_prepared(dir, "sp500_x");
    auto m = lstm_forecaster({x.shape()[1], x.shape()[2]});
    x = head(x, 1);
    print_result("lstm_predict_b1", "samples", 1, time_calls([&] { m->predict(x, 1); }, repeats * 100));
  } else if (w == "transformer_train") {
    Tensor x = head(load_prepared(dir, "banking77_x"), 640), y = head(load_prepared(dir, "banking77_y"), 640);
    train_rows("transformer_train", transformer_classifier(), x, y, 32, 1, repeats);
  } else if (w == "transformer_predict_b1") {
    auto m = transformer_classifier();
    Tensor x = head(load_prepared(dir, "banking77_x"), 1);
    print_result("transformer_predict_b1", "samples", 1, time_calls([&] { m->predict(x, 1); }, repeats * 100));
  } else if (w == "peak") {
    peak(repeats);
  } else if (w == "allreduce") {
    allreduce(repeats);
  } else {
    std::fprintf(stderr, "unknown workload %s\n", w.c_str());
    return 2;
  }
  return 0;
} catch (const deepfin::Error& e) {
  std::fprintf(stderr, "bench_workloads: %s\n", e.what());
  return 1;
}
