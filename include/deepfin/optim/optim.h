#pragma once
// Everything in deepfin::optim.
#include "deepfin/optim/adam.h"
#include "deepfin/optim/optimizer.h"
#include "deepfin/optim/registry.h"
#include "deepfin/optim/rmsprop.h"
#include "deepfin/optim/schedules.h"
#include "deepfin/optim/sgd.h"
