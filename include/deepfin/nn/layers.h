#pragma once
// Every built-in layer; `layers::Dense(...)` and friends are the Keras-style factories.
#include "deepfin/nn/layers/activation.h"
#include "deepfin/nn/layers/batch_normalization.h"
#include "deepfin/nn/layers/categorical_embedding.h"
#include "deepfin/nn/layers/conv2d.h"
#include "deepfin/nn/layers/dense.h"
#include "deepfin/nn/layers/dropout.h"
#include "deepfin/nn/layers/flatten.h"
#include "deepfin/nn/layers/input.h"
#include "deepfin/nn/layers/layer_normalization.h"
#include "deepfin/nn/layers/pooling.h"
#include "deepfin/nn/layers/reshape.h"
