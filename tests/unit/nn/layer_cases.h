#pragma once
// One entry per built-in layer: how to make it (in a given dtype), an input
// shape, and the output shape and parameter counts Keras gives for it.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "deepfin/nn/layers.h"

namespace deepfin::testing {

struct LayerCase {
  std::string label;
  std::function<std::shared_ptr<nn::Layer>(DType)> make;
  Shape input;   // without batch axis
  Shape output;  // without batch axis
  int64_t params;
  int64_t trainable;
};

inline std::vector<LayerCase> layer_cases() {
  using namespace deepfin::layers;
  return {
      {"Input", [](DType d) { return Input({5}, {.dtype = d}); }, {5}, {5}, 0, 0},
      {"Dense", [](DType d) { return Dense(3, {.activation = "tanh", .dtype = d}); }, {4}, {3}, 15, 15},
      {"DenseNoBias3D", [](DType d) { return Dense(2, {.use_bias = false, .dtype = d}); }, {3, 4}, {3, 2}, 8, 8},
      {"Conv2D",
       [](DType d) {
         return Conv2D(32, {3, 3}, {.activation = "relu", .dtype = d});
       },
       {28, 28, 1},
       {26, 26, 32},
       320,
       320},
      {"Conv2DSameStrided",
       [](DType d) {
         return Conv2D(2, {3, 2}, {.strides = {2, 1}, .padding = "same", .dtype = d});
       },
       {5, 4, 3},
       {3, 4, 2},
       38,
       38},
      {"MaxPooling2D",
       [](DType d) {
         return MaxPooling2D({2, 2}, {.dtype = d});
       },
       {5, 4, 3},
       {2, 2, 3},
       0,
       0},
      {"AveragePooling2DSame",
       [](DType d) {
         return AveragePooling2D({2, 2}, {.strides = {1, 1}, .padding = "same", .dtype = d});
       },
       {3, 3, 2},
       {3, 3, 2},
       0,
       0},
      {"GlobalAveragePooling2D", [](DType d) { return GlobalAveragePooling2D({.dtype = d}); }, {3, 2, 4}, {4}, 0, 0},
      {"Flatten", [](DType d) { return Flatten({.dtype = d}); }, {3, 2, 2}, {12}, 0, 0},
      {"Reshape",
       [](DType d) {
         return Reshape({-1, 3}, {.dtype = d});
       },
       {2, 3, 2},
       {4, 3},
       0,
       0},
      {"Dropout", [](DType d) { return Dropout(0.5, {.dtype = d}); }, {6}, {6}, 0, 0},
      {"BatchNormalization", [](DType d) { return BatchNormalization({.dtype = d}); }, {3, 4}, {3, 4}, 16, 8},
      {"LayerNormalization", [](DType d) { return LayerNormalization({.dtype = d}); }, {2, 5}, {2, 5}, 10, 10},
      {"Activation", [](DType d) { return Activation("softmax", {.dtype = d}); }, {4}, {4}, 0, 0},
      // Frequencies 2x3, kernels 2x6x2, biases 2x2; columns 1 and 3 pass through.
      {"PeriodicEmbedding",
       [](DType d) {
         return PeriodicEmbedding({0, 2}, {.n_frequencies = 3, .embedding_dim = 2, .sigma = 0.5, .dtype = d});
       },
       {4},
       {6},
       34,
       34},
      // Frequencies 3x2, one shared 4x3 kernel and bias 3.
      {"PeriodicEmbeddingLite",
       [](DType d) {
         return PeriodicEmbedding({}, {.n_frequencies = 2, .embedding_dim = 3, .lite = true, .dtype = d});
       },
       {3},
       {9},
       21,
       21},
      {"EnsembleInput", [](DType d) { return EnsembleInput(3, {.dtype = d}); }, {4}, {3, 4}, 12, 12},
      {"EnsembleDense", [](DType d) { return EnsembleDense(2, {.dtype = d}); }, {3, 4}, {3, 2}, 30, 30},
      {"FeatureTokenizer", [](DType d) { return FeatureTokenizer(4, {.dtype = d}); }, {3}, {4, 4}, 28, 28},
      {"SelectToken", [](DType d) { return SelectToken(-1, {.dtype = d}); }, {3, 2}, {2}, 0, 0},
  };
}

}  // namespace deepfin::testing
