#pragma once
// Everything in deepfin::metrics.
#include "deepfin/metrics/accuracy.h"
#include "deepfin/metrics/auc.h"
#include "deepfin/metrics/confusion.h"
#include "deepfin/metrics/metric.h"
#include "deepfin/metrics/registry.h"
#include "deepfin/metrics/regression.h"
